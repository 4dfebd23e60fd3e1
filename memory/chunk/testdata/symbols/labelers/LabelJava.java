import com.sun.source.tree.*;
import com.sun.source.util.*;
import javax.tools.*;
import java.util.*;

public class LabelJava {
    public static void main(String[] a) throws Exception {
        JavaCompiler jc = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager fm = jc.getStandardFileManager(null, null, null);
        JavacTask t = (JavacTask) jc.getTask(null, fm, d -> {}, List.of("-proc:none"), null, fm.getJavaFileObjects(a[0]));
        CompilationUnitTree cu = t.parse().iterator().next();
        SourcePositions sp = Trees.instance(t).getSourcePositions();
        LineMap lm = cu.getLineMap();
        for (int i = 1; i < a.length; i++) {
            final long ln = Long.parseLong(a[i]);
            StringBuilder out = new StringBuilder();
            new TreeScanner<Void, String>() {
                long s(Tree n) { return lm.getLineNumber(sp.getStartPosition(cu, n)); }
                long e(Tree n) { return lm.getLineNumber(sp.getEndPosition(cu, n)); }
                @Override public Void visitClass(ClassTree n, String owner) {
                    if (s(n) <= ln && ln <= e(n)) {
                        out.append(n.getSimpleName()).append('|').append(n.getKind().toString().toLowerCase()).append('|').append(s(n)).append('|').append(e(n)).append(';');
                        for (Tree m : n.getMembers()) scan(m, n.getSimpleName().toString());
                    }
                    return null;
                }
                @Override public Void visitMethod(MethodTree n, String owner) {
                    if (s(n) <= ln && ln <= e(n)) {
                        String name = n.getName().toString().equals("<init>") ? owner : n.getName().toString();
                        out.append(name).append("|method|").append(s(n)).append('|').append(e(n)).append(';');
                    }
                    return null;
                }
                @Override public Void visitVariable(VariableTree n, String owner) { return null; }
                @Override public Void visitBlock(BlockTree n, String owner) { return null; }
            }.scan(cu, "");
            System.out.println(ln + "\t" + out);
        }
    }
}
