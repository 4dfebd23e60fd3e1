import ast, json, subprocess, sys
def chain(tree, ln):
    out = []
    def visit(body, parents, in_class):
        for n in body:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = min([n.lineno] + [d.lineno for d in n.decorator_list])
                if start <= ln <= n.end_lineno:
                    kind = 'class' if isinstance(n, ast.ClassDef) else ('method' if in_class else 'function')
                    out.append({'symbol': n.name, 'kind': kind, 'start': start, 'end': n.end_lineno})
                    if isinstance(n, ast.ClassDef):
                        visit(n.body, parents + [n.name], True)
                    return
            elif isinstance(n, (ast.If, ast.Try, ast.With)) and n.lineno <= ln <= n.end_lineno:
                for field in ('body', 'orelse', 'finalbody'):
                    visit(getattr(n, field, []), parents, in_class)
                for h in getattr(n, 'handlers', []):
                    visit(h.body, parents, in_class)
    visit(tree.body, [], False)
    return out
for row in map(json.loads, open(sys.argv[1])):
    mir = row['repo'].replace('/', '+')
    src = subprocess.check_output(['git', '-C', f'/work/.mirror/{mir}/repo', 'show', f"{row['commit']}:{row['path']}"])
    c = chain(ast.parse(src), row.get('at', row['line']))
    if not c:
        continue
    inner = c[-1]
    row.update(inner)
    row['parents'] = [x['symbol'] for x in c[:-1]]
    print(json.dumps(row))
