import subprocess, random, sys, json, re
# usage: sample.py REPO_DIRNAME OWNER/NAME EXTS N SEED
mir, repo, exts, n, seed = sys.argv[1], sys.argv[2], sys.argv[3].split(','), int(sys.argv[4]), int(sys.argv[5])
g = ['git', '-C', f'/work/.mirror/{mir}/repo']
commit = subprocess.check_output(g + ['rev-parse', 'HEAD'], text=True).strip()
files = [f for f in subprocess.check_output(g + ['ls-tree', '-r', '--name-only', commit], text=True).split('\n')
         if any(f.endswith('.' + e) for e in exts) and '.min.' not in f and not f.endswith('.d.ts')]
cache = {}
def lines(f):
    if f not in cache:
        cache[f] = subprocess.check_output(g + ['show', f'{commit}:{f}']).decode('utf8', 'replace').split('\n')
    return cache[f]
sizes = [(f, len(lines(f))) for f in files]
total = sum(s for _, s in sizes)
rng = random.Random(seed)
out = []
while len(out) < n:
    k = rng.randrange(total)
    for f, s in sizes:
        if k < s:
            break
        k -= s
    L = lines(f)
    ln = k + 1
    if ln > len(L) or not L[ln-1].strip():
        continue
    out.append({'repo': repo, 'commit': commit, 'path': f, 'line': ln})
for o in out:
    print(json.dumps(o))
