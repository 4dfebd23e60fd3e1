import json, subprocess, sys, re, os, tempfile, collections
SPAN = re.compile(r'span: .*?:(\d+):(\d+): (\d+):(\d+)')
KINDS = {'Fn': 'function', 'Struct': 'struct', 'Enum': 'enum', 'Trait': 'trait', 'Mod': 'mod', 'MacroDef': 'macro',
         'Impl': 'impl', 'TyAlias': 'type', 'Union': 'union', 'Const': 'const', 'Static': 'static'}
def ind(l): return len(l) - len(l.lstrip(' '))
def items(ast):
    L = ast.split('\n')
    out = []
    stack = []  # (indent, item)
    for i, l in enumerate(L):
        s = l.strip(); x = ind(l)
        while stack and x <= stack[-1][0] and not (x == stack[-1][0] and s == 'Item {'):
            if s.startswith('}') and x == stack[-1][0]:
                stack.pop(); break
            if x < stack[-1][0]:
                stack.pop(); continue
            break
        if s == 'Item {':
            it = {'indent': x, 'line': i, 'attr': None, 'span': None, 'kind': None, 'name': None, 'parent': stack[-1][1] if stack else None}
            stack.append((x, it)); out.append(it)
    # fill fields
    for it in out:
        x = it['indent']; i = it['line'] + 1
        attrs_open = False
        while i < len(L):
            l = L[i]; y = ind(l); s = l.strip()
            if y <= x and s.startswith('}'): break
            if y == x + 4:
                if s.startswith('attrs: ['): attrs_open = not s.endswith('],')
                elif s.startswith('],'): attrs_open = False
                elif s.startswith('span:') and it['span'] is None:
                    m = SPAN.search(s); it['span'] = (int(m.group(1)), int(m.group(3)))
                elif s.startswith('kind:') and it['kind'] is None:
                    it['kind'] = s[6:].split('(')[0]; it['kindline'] = i
            elif attrs_open and 'span:' in s:
                m = SPAN.search(s)
                if m: it['attr'] = min(it['attr'] or 10**9, int(m.group(1)))
            i += 1
        it['endline'] = i
        # name
        k = it['kind']
        if k == 'Impl':
            ty, tr = None, None
            for j in range(it['kindline'], it['endline']):
                s = L[j].strip()
                if ind(L[j]) != ind(L[it['kindline']]) + 8: continue
                if s.startswith('self_ty:'): ty = path_after(L, j)
                if s.startswith('of_trait: Some('): tr = path_after(L, j)
            it['name'] = ty; it['trait'] = tr
        elif k in KINDS:
            for j in range(it['kindline'], it['endline']):
                m = re.match(r'\s*(?:ident: )?([A-Za-z_]\w*)#\d+,?$', L[j])
                if m: it['name'] = m.group(1); break
    return out
def path_after(L, j):
    x = ind(L[j]); first = None; names = []
    for k in range(j + 1, len(L)):
        if ind(L[k]) <= x: break
        m = re.match(r'(\s*)ident: (\S+?)#\d+', L[k])
        if m:
            if first is None: first = len(m.group(1))
            if len(m.group(1)) == first: names.append(m.group(2))
    return '::'.join(names)
rows = [json.loads(l) for l in open(sys.argv[1])]
byfile = collections.defaultdict(list)
for r in rows: byfile[(r['repo'], r['commit'], r['path'])].append(r)
for (repo, commit, path), rs in byfile.items():
    src = subprocess.check_output(['git', '-C', f"/work/.mirror/{repo.replace('/', '+')}/repo", 'show', f"{commit}:{path}"])
    d = tempfile.mkdtemp(); f = os.path.join(d, 'x.rs'); open(f, 'wb').write(src)
    p = subprocess.run(['rustc', '-Z', 'parse-crate-root-only', '-Z', 'unpretty=ast-tree', '--edition', '2024', f], capture_output=True, text=True, env={**os.environ, 'RUSTC_BOOTSTRAP': '1'})
    if p.returncode != 0:
        print('noparse', path, p.stderr[:200], file=sys.stderr); continue
    its = [it for it in items(p.stdout) if it['kind'] in KINDS and it['span']]
    def under_fn(it):
        q = it['parent']
        while q:
            if q['kind'] == 'Fn': return True
            q = q['parent']
        return False
    its = [it for it in its if not under_fn(it)]
    for r in rs:
        best = None
        for it in its:
            lo = min(it['span'][0], it['attr'] or 10**9)
            if lo <= r.get('at', r['line']) <= it['span'][1]:
                if best is None or it['span'][1] - lo < best[1]: best = (it, it['span'][1] - lo)
        if not best: continue
        it = best[0]
        chain = []; q = it['parent']
        while q:
            if q['kind'] in ('Mod', 'Impl', 'Trait'): chain.append(q['name'].split('::')[-1])
            q = q['parent']
        kind = KINDS[it['kind']]
        if kind == 'function' and it['parent'] and it['parent']['kind'] in ('Impl', 'Trait'): kind = 'method'
        name = it['name']
        if kind == 'impl':
            ty = name.split('::')[-1]
            name = 'impl ' + (it['trait'] + ' for ' if it['trait'] else '') + ty
        r.update(symbol=name, kind=kind, start=it['span'][0], end=it['span'][1], parents=chain[::-1])
        print(json.dumps(r))
