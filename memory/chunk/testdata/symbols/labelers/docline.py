# For a sampled comment line, the definition it documents is the one that
# follows: set "at" to the next code line when only comments (and at most one
# blank line after a /** or /// doc comment) and annotations lie between.
import json, subprocess, sys, re
cache = {}
def is_comment(t):
    return t.startswith(('//', '/*', '*', '#')) and not t.startswith('#[')
for row in map(json.loads, open(sys.argv[1])):
    key = (row['repo'], row['commit'], row['path'])
    if key not in cache:
        cache[key] = subprocess.check_output(['git', '-C', f"/work/.mirror/{row['repo'].replace('/', '+')}/repo", 'show', f"{row['commit']}:{row['path']}"]).decode('utf8', 'replace').split('\n')
    L = cache[key]
    t = L[row['line'] - 1].strip()
    if is_comment(t):
        j = row['line']
        doc = False
        blanks = 0
        while j < len(L):
            u = L[j].strip()
            if u.startswith(('/**', '///')): doc = True
            if not u:
                blanks += 1
                if blanks > 1 or not doc: break
                j += 1; continue
            if is_comment(u) or u.startswith(('@', '#[')):
                j += 1; continue
            row['at'] = j + 1
            break
    print(json.dumps(row))
