"""Fail on nested Ansible markup in the collection's plugin and role documentation.

    python tests/release/check_markup.py exotel.sip_trunking

Ansible's documentation markup has no nesting: in ``B(Set C(no_log: true) on a task)``
the bold text ends at the first ``)``, so the docs show a bold "Set C(no_log: true"
followed by a stray parenthesis. antsibull-docs' linter accepts that (it parses), so
this check looks inside every bold, italic and code part for another macro.

The documentation comes from ``ansible-doc --metadata-dump`` (ANSIBLE_COLLECTIONS_PATH
must point at the collection); every string of DOCUMENTATION, RETURN and role argument
specs is parsed with antsibull-docs-parser, the parser the docs site uses.
"""

import json
import re
import subprocess
import sys

from antsibull_docs_parser import dom
from antsibull_docs_parser.parser import Context, parse

MACRO = re.compile(r'(?<![A-Za-z])(?:B|I|C|M|U|L|R|O|V|RV|E|P|HORIZONTALLINE)\(')
CONTAINERS = (dom.BoldPart, dom.ItalicPart, dom.CodePart)


def strings(value, path):
    """Yield (path, text) for every string inside ``value``."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            # Examples are YAML code and metadata is not rendered as markup.
            if key in ('examples', 'plainexamples', 'filename', 'collection', 'version_added_collection'):
                continue
            yield from strings(item, '%s.%s' % (path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, '%s[%d]' % (path, index))


def main():
    collection = sys.argv[1]
    proc = subprocess.run(['ansible-doc', '--metadata-dump', '--no-fail-on-errors', collection],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit('ansible-doc --metadata-dump failed:\n%s' % proc.stderr)
    dump = json.loads(proc.stdout)
    problems, checked = [], 0
    for plugin_type, plugins in sorted(dump.get('all', {}).items()):
        for name, data in sorted(plugins.items()):
            if not name.startswith(collection + '.'):
                continue
            if data.get('error'):
                problems.append('%s %s: %s' % (plugin_type, name, data['error']))
                continue
            for path, text in strings(data, '%s %s' % (plugin_type, name)):
                checked += 1
                for paragraph in parse(text, Context(), errors='message'):
                    for part in paragraph:
                        if isinstance(part, dom.ErrorPart):
                            problems.append('%s: %s' % (path, part.message))
                        elif isinstance(part, CONTAINERS) and MACRO.search(part.text):
                            problems.append('%s: nested markup (Ansible markup cannot nest) in %r' % (path, text))
    for problem in problems:
        print('ERROR: %s' % problem)
    if problems:
        sys.exit(1)
    print('check_markup: %d documentation strings of %s, no nested or broken markup' % (checked, collection))


if __name__ == '__main__':
    main()
