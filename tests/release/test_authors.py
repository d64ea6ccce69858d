"""One author string everywhere: the first entry of galaxy.yml's authors.

Galaxy shows galaxy.yml's authors, the docs show each plugin's and the role's `author`,
and copyright headers name the holder: all of them use the same `Name (@github-handle)`
string, the form ansible-test and the docs site expect in plugin documentation.
"""

import ast
import os
import re
import subprocess

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_yaml(path):
    with open(os.path.join(REPO, path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


AUTHOR = load_yaml('galaxy.yml')['authors'][0]


def tracked_files():
    proc = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return [name for name in proc.stdout.split('\0') if name and os.path.isfile(os.path.join(REPO, name))]


def plugin_documentation():
    """{path: DOCUMENTATION as data} of every plugin and doc fragment with one."""
    found = {}
    for path in tracked_files():
        if not (path.startswith('plugins/') and path.endswith('.py')):
            continue
        with open(os.path.join(REPO, path), encoding='utf-8') as handle:
            tree = ast.parse(handle.read())
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'DOCUMENTATION' for t in node.targets):
                found[path] = yaml.safe_load(node.value.value)
    return found


def test_author_has_the_galaxy_form():
    assert re.match(r'^[^()@]+ \(@[A-Za-z0-9-]+\)$', AUTHOR), AUTHOR
    assert load_yaml('galaxy.yml')['authors'] == [AUTHOR]


def test_every_plugin_names_the_author():
    docs = plugin_documentation()
    assert any(path.startswith('plugins/modules/') for path in docs)
    wrong = dict((path, doc.get('author')) for path, doc in docs.items()
                 if 'author' in doc or path.startswith(('plugins/modules/', 'plugins/filter/')))
    wrong = dict((path, author) for path, author in wrong.items() if author != [AUTHOR])
    assert not wrong, 'author must be [%r]: %r' % (AUTHOR, wrong)


def test_the_role_names_the_author():
    assert load_yaml('roles/sip_trunk/meta/main.yml')['galaxy_info']['author'] == AUTHOR
    specs = load_yaml('roles/sip_trunk/meta/argument_specs.yml')['argument_specs']
    assert dict((name, spec.get('author')) for name, spec in specs.items()) == dict((name, [AUTHOR]) for name in specs)


def test_copyright_headers_name_the_author():
    wrong = []
    expected = re.compile(r'^\W*Copyright \(c\) \d{4}(-\d{4})? %s$' % re.escape(AUTHOR))
    for path in tracked_files():
        if path == 'COPYING' or path.startswith('tests/release/'):
            continue
        try:
            with open(os.path.join(REPO, path), encoding='utf-8') as handle:
                head = handle.read(2000)
        except UnicodeDecodeError:
            continue
        for line in head.splitlines():
            if re.match(r'^\W*Copyright\b', line) and not expected.match(line):
                wrong.append('%s: %s' % (path, line.strip()))
    assert not wrong, 'use "Copyright (c) <year> %s":\n%s' % (AUTHOR, '\n'.join(wrong))
