import json, subprocess, sys, tempfile, os, collections
rows = [json.loads(l) for l in open(sys.argv[1])]
byfile = collections.defaultdict(list)
for r in rows: byfile[(r['repo'], r['commit'], r['path'])].append(r)
for (repo, commit, path), rs in byfile.items():
    src = subprocess.check_output(['git', '-C', f"/work/.mirror/{repo.replace('/', '+')}/repo", 'show', f"{commit}:{path}"])
    d = tempfile.mkdtemp(); f = os.path.join(d, os.path.basename(path)); open(f, 'wb').write(src)
    res = subprocess.check_output(['java', '/tmp/htree-lab/LabelJava.java', f] + [str(r.get('at', r['line'])) for r in rs], text=True)
    for r, line in zip(rs, res.rstrip('\n').split('\n')):
        c = [x.split('|') for x in (line.split('\t') + [''])[1].split(';') if x]
        if not c: continue
        name, kind, s, e = c[-1]
        r.update(symbol=name, kind=kind, start=int(s), end=int(e), parents=[x[0] for x in c[:-1]])
        print(json.dumps(r))
