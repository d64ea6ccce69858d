"""Run `make` stages one after the other, time each, and print a table at the end.

    python3 tests/matrix/stages.py [--fail-fast] STAGE [STAGE...]

Each STAGE is a Makefile target. By default every stage runs even after one failed,
so one CI run reports every broken gate; the exit status is non-zero if any failed.
The table also goes to build/stage-times.txt.
"""

import os
import subprocess
import sys
import time


def fmt(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    return '%d:%02d' % (minutes, seconds)


def main():
    args = sys.argv[1:]
    fail_fast = '--fail-fast' in args or os.environ.get('FAIL_FAST') == '1'
    stages = [arg for arg in args if arg != '--fail-fast']
    make = os.environ.get('MAKE', 'make')
    results = []
    started = time.monotonic()
    for stage in stages:
        print('\n===== stage %s =====' % stage, flush=True)
        begin = time.monotonic()
        code = subprocess.call([make, '--no-print-directory', stage])
        elapsed = time.monotonic() - begin
        results.append((stage, 'ok' if code == 0 else 'FAILED (exit %d)' % code, elapsed))
        print('===== stage %s: %s in %s =====' % (stage, results[-1][1], fmt(elapsed)), flush=True)
        if code != 0 and fail_fast:
            break
    total = time.monotonic() - started
    skipped = stages[len(results):]

    width = max(len(stage) for stage in stages + ['total'])
    lines = ['', 'Stage times (m:ss)', '%-*s  %-16s  %7s' % (width, 'stage', 'result', 'time')]
    lines += ['%-*s  %-16s  %7s' % (width, stage, result, fmt(elapsed)) for stage, result, elapsed in results]
    lines += ['%-*s  %-16s  %7s' % (width, stage, 'not run', '-') for stage in skipped]
    lines.append('%-*s  %-16s  %7s' % (width, 'total', '', fmt(total)))
    failed = [stage for stage, result, _elapsed in results if result != 'ok']
    lines.append('FAILED stages: %s' % ' '.join(failed) if failed else 'All %d stages passed.' % len(results))
    report = '\n'.join(lines)
    print(report)
    os.makedirs('build', exist_ok=True)
    with open(os.path.join('build', 'stage-times.txt'), 'w', encoding='utf-8') as handle:
        handle.write(report + '\n')
    return 1 if failed or skipped else 0


if __name__ == '__main__':
    sys.exit(main())
