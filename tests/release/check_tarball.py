"""Check the built collection tarball against the content policy.

    python tests/release/check_tarball.py build/dist/exotel-sip_trunking-X.Y.Z.tar.gz

The tarball carries what users need and no development by-product. galaxy.yml's
build_ignore can only list what to leave out, so this allow-list catches a new
development file that build_ignore forgot (and a user-facing file that it dropped).
"""

import fnmatch
import sys
import tarfile

# Everything shipped must match one of these (a directory entry matches its own path).
ALLOWED = [
    'MANIFEST.json', 'FILES.json',
    'README.md', 'COPYING', 'CHANGELOG.rst', 'requirements.txt', '.ansible-lint',
    'changelogs', 'changelogs/changelog.yaml', 'changelogs/config.yaml',
    'meta', 'meta/*',
    'docs', 'docs/docsite', 'docs/docsite/*',
    # What the collection assumes about the API: the README and the live check point users to it.
    'docs/api-assumptions.md',
    'plugins', 'plugins/*',
    'roles', 'roles/*',
    'playbooks', 'playbooks/*',
    'awx', 'awx/*',
    # The simulator ships: users test their own playbooks offline against it.
    'tests', 'tests/simulator', 'tests/simulator/*',
]
# Never shipped, even where an ALLOWED pattern would match.
FORBIDDEN = ['*/__pycache__', '*/__pycache__/*', '*.pyc', '*.tar.gz', '*/.pytest_cache*', '*.retry']
# Must be shipped.
REQUIRED = [
    'README.md', 'COPYING', 'CHANGELOG.rst', 'changelogs/changelog.yaml', 'requirements.txt', '.ansible-lint',
    'meta/runtime.yml', 'meta/execution-environment.yml', 'docs/docsite/links.yml', 'docs/api-assumptions.md',
    'plugins/modules/exotel_trunk.py', 'plugins/module_utils/_client.py', 'plugins/doc_fragments/exotel.py',
    'plugins/filter/sip_trunk_inputs.py', 'roles/sip_trunk/meta/argument_specs.yml', 'roles/sip_trunk/tasks/main.yml',
    'playbooks/outbound.yml', 'playbooks/live_check.yml', 'playbooks/export.yml', 'awx/credential_type.yml',
    'tests/simulator/exotel_simulator.py', 'tests/simulator/README.md',
]


def main():
    with tarfile.open(sys.argv[1]) as tarball:
        names = sorted(member.name.rstrip('/') for member in tarball.getmembers())
    unexpected = [name for name in names
                  if not any(fnmatch.fnmatch(name, pattern) for pattern in ALLOWED)
                  or any(fnmatch.fnmatch(name, pattern) for pattern in FORBIDDEN)]
    missing = [name for name in REQUIRED if name not in names]
    for name in unexpected:
        print('ERROR: shipped but not for users (add it to build_ignore in galaxy.yml): %s' % name)
    for name in missing:
        print('ERROR: users need it but it is not in the tarball: %s' % name)
    if unexpected or missing:
        sys.exit(1)
    print('check_tarball: %d entries, content policy met' % len(names))


if __name__ == '__main__':
    main()
