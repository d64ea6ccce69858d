"""Build the collection's docs site and fail on any warning that is not about the network.

    python tests/release/docs_site.py DEST            # make docs (ANSIBLE_COLLECTIONS_PATH set)
    DOCS_INTERSPHINX=1 python tests/release/docs_site.py DEST

1. ``antsibull-docs sphinx-init --use-current`` writes a fresh Sphinx project to DEST
   (nothing of it is committed: it is generated from the installed antsibull-docs);
2. ``antsibull-docs collection --use-current`` renders the plugin, role and extra docs
   (docs/docsite/) to DEST/rst, failing on any parse or schema error;
3. ``sphinx-build`` renders HTML to DEST/build/html, its warnings logged to a file.

Intersphinx (links into docs.ansible.com and docs.python.org) needs the network, which
tests and CI do not have, so it is off unless DOCS_INTERSPHINX=1. Warnings that come from
the network are reported but tolerated: with intersphinx on, failures to fetch an
inventory; with it off, references to labels of the Ansible docs (such as
``common_return_values``, which antsibull-docs' templates link to) that only an
inventory could resolve. Every other warning fails the build, including an undefined
label of this collection.
"""

import os
import re
import shutil
import subprocess
import sys

import yaml

COLLECTION = 'exotel.sip_trunking'
# Warnings that only say a remote intersphinx inventory could not be fetched.
NETWORK_WARNING = re.compile(r'intersphinx|failed to reach any of the inventories|'
                             r'inventory .* not fetchable|Max retries exceeded|Name or service not known|'
                             r'Temporary failure in name resolution|Connection refused|timed out', re.I)

# With intersphinx off: a label outside this collection, which only an inventory defines.
EXTERNAL_LABEL = re.compile(r"undefined label: '(?!ansible_collections\.%s\.)" % re.escape(COLLECTION))


def run(command, cwd):
    print('+ %s' % ' '.join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True)


def main():
    dest = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join('build', 'docsite'))
    intersphinx = os.environ.get('DOCS_INTERSPHINX') == '1'
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)

    with open('galaxy.yml', encoding='utf-8') as handle:
        author = yaml.safe_load(handle)['authors'][0]  # one author string: tests/release/test_authors.py
    run(['antsibull-docs', 'sphinx-init', '--use-current', '--fail-on-error', '--dest-dir', dest,
         '--project', COLLECTION, '--copyright', author,
         '--title', 'Exotel SIP Trunking Collection', '--html-short-title', COLLECTION,
         '--no-add-antsibull-docs-version', COLLECTION], cwd=dest)
    if not intersphinx:
        with open(os.path.join(dest, 'conf.py'), 'a', encoding='utf-8') as handle:
            handle.write('\n# tests/release/docs_site.py: offline build (DOCS_INTERSPHINX=1 turns this on again).\n'
                         'intersphinx_mapping = {}\n')

    rst = os.path.join(dest, 'rst')
    os.makedirs(rst, exist_ok=True)
    os.chmod(rst, 0o755)  # antsibull-docs wants the directory writable only by its owner
    run(['antsibull-docs', '--config-file', 'antsibull-docs.cfg', 'collection', '--use-current',
         '--fail-on-error', '--cleanup', 'everything', '--dest-dir', rst, COLLECTION], cwd=dest)

    warnings_file = os.path.join(dest, 'sphinx-warnings.txt')
    proc = subprocess.run(['sphinx-build', '-M', 'html', 'rst', 'build', '-c', '.', '-q', '--keep-going',
                           '-w', warnings_file], cwd=dest, check=False)
    with open(warnings_file, encoding='utf-8') as handle:
        warnings = [line.rstrip() for line in handle if line.strip()]
    network = [line for line in warnings
               if (NETWORK_WARNING if intersphinx else EXTERNAL_LABEL).search(line)]
    fatal = [line for line in warnings if line not in network]
    for line in network:
        print('needs the network (tolerated): %s' % line)
    for line in fatal:
        print('FATAL: %s' % line)
    if proc.returncode != 0 or fatal:
        sys.exit('docs site: sphinx-build exit %d, %d warning(s) not about the network' % (proc.returncode, len(fatal)))
    print('docs site: %s (%d network warning(s) tolerated)'
          % (os.path.join(dest, 'build', 'html', 'index.html'), len(network)))


if __name__ == '__main__':
    main()
