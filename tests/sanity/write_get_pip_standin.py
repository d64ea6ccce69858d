"""Write the get-pip.py stand-in that lets `ansible-test sanity --local` run offline.

ansible-test bootstraps pip in its sanity venvs by downloading get-pip.py from a
host these machines cannot reach, but first looks for a cached copy at
~/.ansible/test/cache/get_pip_<version>.py. The stand-in bootstraps pip with the
standard library's ensurepip (in a subprocess: ensurepip.bootstrap() would turn
pip's configuration off, index settings included) and then installs the pinned
packages ansible-test asks for from the configured package index.
"""

import os
import re
import sys

import ansible_test

STANDIN = '''\
"""get-pip.py stand-in written by tests/sanity/write_get_pip_standin.py."""
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


def pip_version():
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        sys.exit('cannot find the pip version ansible-test bootstraps in %s' % source)
    return match.group(1)


def main():
    cache_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, 'get_pip_%s.py' % pip_version().replace('.', '_'))
    if not os.path.exists(path):
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(STANDIN)
        print('wrote %s' % path)


if __name__ == '__main__':
    main()
