"""Run galaxy-importer on the built tarball; any WARNING or ERROR line fails.

    python tests/release/import_check.py TARBALL WORKDIR

galaxy-importer is what Galaxy runs on upload. It exits 0 on most findings and only
logs them, so this wrapper reads its log: a clean import prints no WARNING or ERROR
line. The configuration (tests/release/galaxy-importer.cfg) runs ansible-doc and
ansible-lint (production profile, offline) and not ansible-test. ansible-lint must be
on PATH (the Makefile puts the release venv first).
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FINDING = re.compile(r'^\s*(WARNING|ERROR|CRITICAL)\b')


def main():
    tarball, workdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(workdir, exist_ok=True)
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=os.path.join(HERE, 'galaxy-importer.cfg'))
    # The importer lints the collection as Galaxy would: with only the collection installed.
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    proc = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', tarball], cwd=workdir, env=env,
                          capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    with open(os.path.join(workdir, 'importer.log'), 'w', encoding='utf-8') as handle:
        handle.write(output)
    lines = [line for line in output.splitlines() if line.strip() and not line.startswith('Loading ')]
    print('\n'.join(lines))
    findings = [line for line in lines if FINDING.match(line)]
    if proc.returncode != 0 or findings or 'Importer processing completed successfully' not in output:
        sys.exit('galaxy-importer: exit %d, %d warning/error line(s) (log: %s)'
                 % (proc.returncode, len(findings), os.path.join(workdir, 'importer.log')))
    print('galaxy-importer: clean import of %s, 0 warnings' % os.path.basename(tarball))


if __name__ == '__main__':
    main()
