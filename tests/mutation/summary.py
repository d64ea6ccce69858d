"""Print the score of the last `make mutation` run (run from build/mutation).

The score leaves out the mutants listed in tests/mutation/equivalent.d/*.txt, one file per area of
module_utils (one mutant name a line, then `#` and why it is equivalent: no test can tell it from
the original).
"""

import collections
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MUTMUT = os.path.join(os.path.dirname(sys.executable), 'mutmut')


def equivalents():
    names = {}
    for path in sorted(glob.glob(os.path.join(HERE, 'equivalent.d', '*.txt'))):
        with open(path, encoding='utf-8') as stream:
            for line in stream:
                name, _sep, why = line.partition('#')
                if name.strip():
                    names[name.strip()] = why.strip()
    return names


def statuses():
    text = subprocess.run([MUTMUT, 'results', '--all', 'true'], capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r'^\s*(\S+__mutmut_\d+): (.+)$', text, re.M))


def main():
    found = statuses()
    equivalent = equivalents()
    counts = collections.Counter(found.values())
    judged = dict((name, status) for name, status in found.items() if name not in equivalent)
    killed = sum(1 for status in judged.values() if status in ('killed', 'timeout'))
    survivors = sorted(name for name, status in judged.items() if status not in ('killed', 'timeout'))
    print('mutants: %d (%s)' % (len(found), ', '.join('%s %d' % item for item in sorted(counts.items()))))
    print('equivalent (excluded): %d' % sum(1 for name in found if name in equivalent))
    print('score: %d / %d killed = %.1f %%' % (killed, len(judged), 100.0 * killed / max(1, len(judged))))
    for name in survivors:
        print('  %s: %s' % (name, judged[name]))
    # A listed mutant that a test now kills is no longer equivalent: its line is stale.
    stale = sorted(name for name in equivalent if found.get(name) in ('killed', 'timeout'))
    if stale:
        print('listed as equivalent but killed (remove from equivalent.d): %d' % len(stale))
        for name in stale:
            print('  %s' % name)


if __name__ == '__main__':
    main()
