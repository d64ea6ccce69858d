"""Print the path of a working Python interpreter of one of the given versions.

    python3 tests/matrix/find_python.py 3.13 3.12      # first match wins, in this order

Used by the Makefile to create the venv of each ansible-core version in the matrix
(ansible-core 2.21 needs Python >= 3.12). Candidates, for each version in turn:

1. $PYTHON_<major><minor> (for example PYTHON_313=/opt/python/bin/python3.13), if set;
2. ~/.pyenv/versions/<version>*/bin/python<version> (pyenv installs; pyenv's shims are
   not used: without `pyenv global` they exist but refuse to run);
3. python<version> on PATH;
4. `uv python find <version>`, if uv is installed.

Each candidate is run to prove it works and is the right version. When none is found
the script exits non-zero naming what to install: the matrix never skips a version.
"""

import glob
import os
import shutil
import subprocess
import sys

PROBE = 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'


def works(path, version):
    """True if ``path`` runs, is Python ``version`` and can build a venv with pip."""
    try:
        proc = subprocess.run([path, '-c', PROBE], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and proc.stdout.strip() == version


def version_key(path):
    """Sort pyenv installs newest patch first (3.12.10 after 3.12.9)."""
    name = path.split(os.sep)[-3]
    return [int(part) if part.isdigit() else -1 for part in name.split('.')]


def candidates(version):
    digits = version.replace('.', '')
    explicit = os.environ.get('PYTHON_%s' % digits)
    if explicit:
        yield explicit
    pyenv_root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    pattern = os.path.join(pyenv_root, 'versions', '%s*' % version, 'bin', 'python%s' % version)
    yield from sorted(glob.glob(pattern), key=version_key, reverse=True)
    on_path = shutil.which('python%s' % version)
    if on_path:
        yield on_path
    uv = shutil.which('uv')
    if uv:
        try:
            proc = subprocess.run([uv, 'python', 'find', version],
                                  capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            proc = None
        if proc is not None and proc.returncode == 0 and proc.stdout.strip():
            yield proc.stdout.strip()


def main():
    versions = sys.argv[1:]
    if not versions:
        sys.exit('usage: find_python.py VERSION [VERSION...]')
    tried = []
    for version in versions:
        for path in candidates(version):
            if works(path, version):
                print(path)
                return
            tried.append(path)
    wanted = ' or '.join('Python %s' % version for version in versions)
    sys.exit('\n'.join([
        'ERROR: no working %s found for the version matrix.' % wanted,
        'Tried: %s' % (', '.join(tried) or 'nothing (no candidate exists)'),
        'Install one, for example:',
        '  pyenv install %s            # found under ~/.pyenv/versions/ without pyenv global' % versions[0],
        '  uv python install %s        # found through `uv python find`' % versions[0],
        '  apt-get install python%s python%s-venv   # where the distribution ships it' % (versions[0], versions[0]),
        'or point the Makefile at one: PYTHON_%s=/path/to/python%s make test'
        % (versions[0].replace('.', ''), versions[0]),
    ]))


if __name__ == '__main__':
    main()
