"""Write the get-pip.py stand-ins that let `ansible-test sanity --local` run offline.

ansible-test bootstraps pip in its sanity venvs by downloading get-pip.py from a
host these machines cannot reach, but first looks for a cached copy at
~/.ansible/test/cache/get_pip_<version>.py. The stand-in bootstraps pip with the
standard library's ensurepip (in a subprocess: ensurepip.bootstrap() would turn
pip's configuration off, index settings included) and then installs the pinned
packages ansible-test asks for from the configured package index.

Each ansible-core release pins its own pip version (2.16: 23.1.2, 2.19: 24.2,
2.21: 25.2), so run this with the Python of every venv whose ansible-test is used:
it reads the versions from the ansible_test package that interpreter imports, and
writes one stand-in per pip version found there (the file name and cache path have
been the same in every release so far; the script fails loudly if they change).
A real get-pip.py already in the cache is left alone; an older stand-in is replaced.
"""

import os
import re
import sys

import ansible_test

MARKER = '"""get-pip.py stand-in written by tests/sanity/write_get_pip_standin.py."""'
STANDIN = MARKER + '''
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''
CACHE_PATTERN = "~/.ansible/test/cache/get_pip_%s.py"


def ansible_test_file(*parts):
    path = os.path.join(os.path.dirname(ansible_test.__file__), *parts)
    with open(path, encoding='utf-8') as handle:
        return path, handle.read()


def pip_versions():
    """Every pip version ansible-test may bootstrap (default and per-Python overrides)."""
    path, text = ansible_test_file('_internal', 'python_requirements.py')
    versions = sorted(set(re.findall(r"\bpip='([0-9][0-9.]*)'", text)))
    if not versions:
        sys.exit('cannot find the pip version ansible-test bootstraps in %s' % path)
    # The stand-in only helps if ansible-test still looks in the cache under this name.
    path, text = ansible_test_file('_util', 'target', 'setup', 'requirements.py')
    if CACHE_PATTERN not in text:
        sys.exit('%s no longer caches get-pip.py as %s: update %s' % (path, CACHE_PATTERN, __file__))
    return versions


def main():
    cache_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache_dir, exist_ok=True)
    for version in pip_versions():
        path = os.path.join(cache_dir, 'get_pip_%s.py' % version.replace('.', '_'))
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                current = handle.read()
            if current == STANDIN or not current.startswith(MARKER):
                continue  # up to date, or a real get-pip.py someone downloaded
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(STANDIN)
        print('wrote %s (pip %s, ansible-core %s)' % (path, version, ansible_version()))


def ansible_version():
    try:
        from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    except ImportError:
        return 'unknown'
    return __version__


if __name__ == '__main__':
    main()
