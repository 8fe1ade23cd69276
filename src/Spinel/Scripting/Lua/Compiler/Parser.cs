namespace Spinel.Scripting.Lua.Compiler;

/// <summary>
/// Lua 5.1's recursive-descent parser, building executable nodes directly. Names are resolved while parsing:
/// locals to stack slots, captured locals to boxes, the rest to globals. Messages follow 5.1's wording.
/// </summary>
internal sealed class Parser
{
    private const int MaxLevels = 200;

    private sealed class FuncState
    {
        public FuncState? Parent;
        public readonly FunctionProto Proto = new();
        public readonly List<LocalVar> Active = [];
        public readonly List<string> UpvalNames = [];
        public readonly List<UpvalSource> UpvalSources = [];
        public readonly List<ILocalUse> Uses = [];
        public int FreeReg;
        public int MaxSlots;
        public int LoopDepth;
        public readonly List<ConstExpr> Zeros = [];

        public int Reserve(int n)
        {
            var r = FreeReg;
            FreeReg += n;
            if (FreeReg > MaxSlots)
                MaxSlots = FreeReg;
            return r;
        }
    }

    private readonly Lexer _lx;
    private FuncState _fs = null!;
    private int _levels;
    private readonly List<FunctionProto> _protos = [];
    private bool _assignsUpvalues;

    private Parser(Lexer lx) => _lx = lx;

    public static FunctionProto ParseChunk(ReadOnlySpan<byte> source, string chunk)
    {
        var lx = new Lexer(source, chunk);
        var p = new Parser(lx);
        var fs = new FuncState();
        p._protos.Add(fs.Proto);
        fs.Proto.IsVararg = true;
        fs.Proto.Name = "main chunk";
        fs.Proto.Chunk = chunk;
        p._fs = fs;
        lx.Next();
        var body = p.ParseBlock();
        if (lx.Tok != Tk.Eof)
            throw lx.Error("'<eof>' expected");
        p.CloseFunction(fs, body);
        foreach (var proto in p._protos) proto.ChunkAssignsUpvalues = p._assignsUpvalues;
        return fs.Proto;
    }

    private T UpvalAssignment<T>(T node)
    {
        _assignsUpvalues = true;
        return node;
    }

    private void CloseFunction(FuncState fs, Block body)
    {
        // 5.1 keeps one constant per numeric value and 0 == -0, so every zero takes the first one's sign.
        var first = fs.Zeros.FirstOrDefault(z => !z.Folded);
        if (first is not null)
        {
            foreach (var z in fs.Zeros)
                z.V = first.V;
        }
        fs.Proto.Body = body;
        fs.Proto.FrameSize = fs.MaxSlots + 4;
        foreach (var u in fs.Uses)
            u.Finish();
    }

    private SourcePos Pos(int line) => new(_lx.Chunk, line);

    private SourcePos Here() => Pos(_lx.LastLine);

    // ---- token helpers ---------------------------------------------------------------------------

    private bool TestNext(char c)
    {
        if (_lx.Is(c))
        {
            _lx.Next();
            return true;
        }
        return false;
    }

    private bool TestNext(Tk t)
    {
        if (_lx.Tok == t)
        {
            _lx.Next();
            return true;
        }
        return false;
    }

    private void Check(char c)
    {
        if (!_lx.Is(c))
            throw _lx.Error("'" + c + "' expected");
    }

    private void CheckNext(char c)
    {
        Check(c);
        _lx.Next();
    }

    private void CheckNext(Tk t)
    {
        if (_lx.Tok != t)
            throw _lx.Error("'" + Lexer.TokenName(t) + "' expected");
        _lx.Next();
    }

    private void CheckMatch(Tk what, Tk who, int line)
    {
        if (_lx.Tok == what)
        {
            _lx.Next();
            return;
        }
        if (line == _lx.Line)
            throw _lx.Error("'" + Lexer.TokenName(what) + "' expected");
        throw _lx.Error("'" + Lexer.TokenName(what) + "' expected (to close '" + Lexer.TokenName(who) + "' at line " + line + ")");
    }

    private void CheckMatch(char what, char who, int line)
    {
        if (TestNext(what))
            return;
        if (line == _lx.Line)
            throw _lx.Error("'" + what + "' expected");
        throw _lx.Error("'" + what + "' expected (to close '" + who + "' at line " + line + ")");
    }

    private LuaString CheckName()
    {
        if (_lx.Tok != Tk.Name)
            throw _lx.Error("'<name>' expected");
        var s = _lx.Str!;
        _lx.Next();
        return s;
    }

    private void Enter()
    {
        if (++_levels > MaxLevels)
            throw _lx.Error("chunk has too many syntax levels", withToken: false);
    }

    private void Leave() => _levels--;

    private static bool BlockFollow(Tk t) => t is Tk.Else or Tk.ElseIf or Tk.End or Tk.Until or Tk.Eof;

    // ---- scopes ----------------------------------------------------------------------------------

    private LocalVar DeclareLocal(string name)
    {
        var v = new LocalVar(name, _fs.Active.Count);
        if (_fs.Active.Count >= 200)
            throw _lx.Error("too many local variables", withToken: false);
        return v;
    }

    private void Activate(LocalVar v)
    {
        _fs.Active.Add(v);
        if (_fs.FreeReg < _fs.Active.Count)
            _fs.Reserve(_fs.Active.Count - _fs.FreeReg);
    }

    private Block ParseBlockScoped()
    {
        var saveActive = _fs.Active.Count;
        var saveFree = _fs.FreeReg;
        var b = ParseBlock();
        _fs.Active.RemoveRange(saveActive, _fs.Active.Count - saveActive);
        _fs.FreeReg = saveFree;
        return b;
    }

    private enum NameKind
    {
        Local,
        Upval,
        Global,
    }

    private (NameKind kind, LocalVar? local, int upval) Resolve(string name)
    {
        for (var i = _fs.Active.Count - 1; i >= 0; i--)
        {
            if (_fs.Active[i].Name == name)
                return (NameKind.Local, _fs.Active[i], 0);
        }
        var u = FindUpval(_fs, name);
        return u >= 0 ? (NameKind.Upval, null, u) : (NameKind.Global, null, 0);
    }

    private static int FindUpval(FuncState fs, string name)
    {
        var idx = fs.UpvalNames.IndexOf(name);
        if (idx >= 0)
            return idx;
        var parent = fs.Parent;
        if (parent is null)
            return -1;
        for (var i = parent.Active.Count - 1; i >= 0; i--)
        {
            var v = parent.Active[i];
            if (v.Name == name)
            {
                v.Captured = true;
                fs.UpvalNames.Add(name);
                fs.UpvalSources.Add(new UpvalSource(true, v.Slot));
                return fs.UpvalNames.Count - 1;
            }
        }
        var p = FindUpval(parent, name);
        if (p < 0)
            return -1;
        fs.UpvalNames.Add(name);
        fs.UpvalSources.Add(new UpvalSource(false, p));
        return fs.UpvalNames.Count - 1;
    }

    private Expr NameExpr(LuaString name, int line)
    {
        var (kind, local, up) = Resolve(name.ToString());
        switch (kind)
        {
            case NameKind.Local:
                var e = new LocalExpr(local!);
                _fs.Uses.Add(e);
                return e;
            case NameKind.Upval:
                return new UpvalExpr(up, name.ToString());
            default:
                return new GlobalExpr(name, Pos(line));
        }
    }

    // ---- statements ------------------------------------------------------------------------------

    private Block ParseBlock()
    {
        Enter();
        var list = new List<Stat>();
        var last = false;
        while (!last && !BlockFollow(_lx.Tok))
        {
            var s = ParseStatement(out last);
            if (s is not null)
                list.Add(s);
            TestNext(';');
            _fs.FreeReg = _fs.Active.Count;
        }
        Leave();
        return new Block([.. list]);
    }

    private Stat? ParseStatement(out bool last)
    {
        last = false;
        var line = _lx.Line;
        switch (_lx.Tok)
        {
            case Tk.If:
                return ParseIf(line);
            case Tk.While:
                {
                    _lx.Next();
                    var cond = ParseExpr();
                    CheckNext(Tk.Do);
                    _fs.LoopDepth++;
                    var body = ParseBlockScoped();
                    _fs.LoopDepth--;
                    CheckMatch(Tk.End, Tk.While, line);
                    return new WhileStat(cond, body, Pos(line));
                }
            case Tk.Do:
                {
                    _lx.Next();
                    var body = ParseBlockScoped();
                    CheckMatch(Tk.End, Tk.Do, line);
                    return new DoStat(body);
                }
            case Tk.For:
                return ParseFor(line);
            case Tk.Repeat:
                return ParseRepeat(line);
            case Tk.Function:
                return ParseFunctionStat(line);
            case Tk.Local:
                _lx.Next();
                if (TestNext(Tk.Function))
                    return ParseLocalFunction();
                return ParseLocal();
            case Tk.Return:
                _lx.Next();
                last = true;
                return ParseReturn();
            case Tk.Break:
                _lx.Next();
                last = true;
                if (_fs.LoopDepth == 0)
                    throw _lx.Error("no loop to break");
                return new BreakStat();
            default:
                return ParseExprStat();
        }
    }

    private Stat ParseIf(int line)
    {
        var conds = new List<Expr>();
        var blocks = new List<Block>();
        Block? elseBlock = null;
        _lx.Next();
        conds.Add(ParseExpr());
        CheckNext(Tk.Then);
        blocks.Add(ParseBlockScoped());
        while (_lx.Tok == Tk.ElseIf)
        {
            _lx.Next();
            conds.Add(ParseExpr());
            CheckNext(Tk.Then);
            blocks.Add(ParseBlockScoped());
        }
        if (TestNext(Tk.Else))
            elseBlock = ParseBlockScoped();
        CheckMatch(Tk.End, Tk.If, line);
        return new IfStat([.. conds], [.. blocks], elseBlock);
    }

    private Stat ParseRepeat(int line)
    {
        _lx.Next();
        var saveActive = _fs.Active.Count;
        var saveFree = _fs.FreeReg;
        _fs.LoopDepth++;
        var body = ParseBlock();
        _fs.LoopDepth--;
        CheckMatch(Tk.Until, Tk.Repeat, line);
        var cond = ParseExpr();
        _fs.Active.RemoveRange(saveActive, _fs.Active.Count - saveActive);
        _fs.FreeReg = saveFree;
        return new RepeatStat(body, cond, Pos(line));
    }

    private Stat ParseFor(int line)
    {
        _lx.Next();
        var name1 = CheckName();
        var saveActive = _fs.Active.Count;
        var saveFree = _fs.FreeReg;
        Stat result;
        if (_lx.Is('='))
        {
            _lx.Next();
            var start = ParseExpr();
            CheckNext(',');
            var limit = ParseExpr();
            Expr? step = null;
            if (TestNext(','))
                step = ParseExpr();
            CheckNext(Tk.Do);
            // Three hidden slots as 5.1 reserves (index, limit, step), then the visible variable.
            for (var i = 0; i < 3; i++)
                Activate(DeclareLocal("(for hidden)"));
            var v = DeclareLocal(name1.ToString());
            Activate(v);
            _fs.LoopDepth++;
            var body = ParseBlockScoped();
            _fs.LoopDepth--;
            var s = new NumericForStat(v, start, limit, step, body, Pos(line));
            _fs.Uses.Add(s);
            result = s;
        }
        else if (_lx.Is(',') || _lx.Tok == Tk.In)
        {
            var names = new List<LuaString> { name1 };
            while (TestNext(','))
                names.Add(CheckName());
            CheckNext(Tk.In);
            var exprLine = _lx.Line;
            var state = _fs.FreeReg;
            var exprs = ParseExprList();
            _fs.FreeReg = saveFree;
            CheckNext(Tk.Do);
            for (var i = 0; i < 3; i++)
                Activate(DeclareLocal("(for hidden)"));
            var vars = new LocalVar[names.Count];
            for (var i = 0; i < vars.Length; i++)
            {
                vars[i] = DeclareLocal(names[i].ToString());
                Activate(vars[i]);
            }
            _fs.Reserve(3); // the iterator call's arguments
            _fs.LoopDepth++;
            var body = ParseBlockScoped();
            _fs.LoopDepth--;
            var s = new GenericForStat(vars, exprs, state, body, Pos(exprLine));
            _fs.Uses.Add(s);
            result = s;
        }
        else
        {
            throw _lx.Error("'=' or 'in' expected");
        }
        CheckMatch(Tk.End, Tk.For, line);
        _fs.Active.RemoveRange(saveActive, _fs.Active.Count - saveActive);
        _fs.FreeReg = saveFree;
        return result;
    }

    private Stat ParseFunctionStat(int line)
    {
        _lx.Next();
        var n1 = CheckName();
        var target = NameExpr(n1, line);
        var fullName = n1.ToString();
        var isMethod = false;
        while (_lx.Is('.') || _lx.Is(':'))
        {
            var colon = _lx.Is(':');
            _lx.Next();
            var key = CheckName();
            fullName = key.ToString();
            if (colon)
            {
                isMethod = true;
                var fnExpr = ParseFunctionBody(true, line, fullName);
                return new IndexAssign(target, new ConstExpr(key), fnExpr, Pos(line));
            }
            if (_lx.Is('.') || _lx.Is(':'))
            {
                target = new FieldExpr(target, key, Pos(line));
            }
            else
            {
                var fnExpr = ParseFunctionBody(false, line, fullName);
                return new IndexAssign(target, new ConstExpr(key), fnExpr, Pos(line));
            }
        }
        _ = isMethod;
        var body = ParseFunctionBody(false, line, fullName);
        return AssignTo(target, body, line);
    }

    private Stat AssignTo(Expr target, Expr value, int line) => target switch
    {
        LocalExpr l => Use(new LocalAssign(l.Var, value)),
        UpvalExpr => UpvalAssignment(new UpvalAssign(UpvalIndex(target), value)),
        GlobalExpr g => new GlobalAssign(g.Name, value, Pos(line)),
        IndexExpr ix => new IndexAssign(ix.Obj, ix.Key, value, ix.Pos),
        FieldExpr fe => new IndexAssign(fe.Obj, new ConstExpr(fe.Key), value, Pos(line)),
        _ => throw _lx.Error("syntax error"),
    };

    private Stat Use(LocalAssign a)
    {
        _fs.Uses.Add(a);
        return a;
    }

    private static int UpvalIndex(Expr e) => ((UpvalExpr)e).Index;

    private Stat ParseLocalFunction()
    {
        var line = _lx.Line;
        var name = CheckName();
        var v = DeclareLocal(name.ToString());
        Activate(v);
        var fn = ParseFunctionBody(false, line, name.ToString());
        var s = new LocalFunctionStat(v, fn);
        _fs.Uses.Add(s);
        return s;
    }

    private Stat ParseLocal()
    {
        var names = new List<LuaString>();
        do
        {
            names.Add(CheckName());
        }
        while (TestNext(','));
        var vars = new LocalVar[names.Count];
        for (var i = 0; i < vars.Length; i++)
            vars[i] = new LocalVar(names[i].ToString(), _fs.Active.Count + i);
        if (_fs.Active.Count + vars.Length > 200)
            throw _lx.Error("too many local variables", withToken: false);
        Expr[] exprs = [];
        if (TestNext('='))
        {
            // Each value is computed into its local's slot, so value i may use temporaries from slot i on.
            var first = _fs.Active.Count;
            var list = new List<Expr>();
            do
            {
                _fs.FreeReg = Math.Max(first + list.Count, _fs.Active.Count);
                if (_fs.FreeReg > _fs.MaxSlots)
                    _fs.MaxSlots = _fs.FreeReg;
                list.Add(ParseExpr());
            }
            while (TestNext(','));
            exprs = [.. list];
        }
        foreach (var v in vars)
            Activate(v);
        _fs.Reserve(1);
        var s = new LocalStat(vars, exprs);
        _fs.Uses.Add(s);
        return s;
    }

    private Stat ParseReturn()
    {
        if (BlockFollow(_lx.Tok) || _lx.Is(';'))
            return new ReturnStat([], 0);
        var temp = _fs.FreeReg;
        var exprs = ParseExprList();
        return new ReturnStat(exprs, temp);
    }

    private Stat ParseExprStat()
    {
        var line = _lx.Line;
        var e = ParseSuffixedExpr();
        if (_lx.Is('=') || _lx.Is(','))
        {
            var targets = new List<Expr> { CheckAssignable(e) };
            while (TestNext(','))
                targets.Add(CheckAssignable(ParseSuffixedExpr()));
            CheckNext('=');
            var (multi, exprs) = BuildMultiAssign(targets, line);
            return targets.Count == 1 && exprs.Length == 1 ? AssignTo(targets[0], exprs[0], line) : multi;
        }
        if (e is not CallExpr call)
            throw _lx.Error(e is LocalExpr or UpvalExpr or GlobalExpr or IndexExpr or FieldExpr ? "'=' expected" : "syntax error");
        return new CallStat(call);
    }

    private Expr CheckAssignable(Expr t) =>
        t is LocalExpr or UpvalExpr or GlobalExpr or IndexExpr or FieldExpr ? t : throw _lx.Error("syntax error");

    private (Stat, Expr[]) BuildMultiAssign(List<Expr> targets, int line)
    {
        var ts = new Target[targets.Count];
        var slots = new int[targets.Count];
        var saveFree = _fs.FreeReg;
        // The targets' tables and keys were parsed already; their prepared values get slots first.
        for (var i = 0; i < ts.Length; i++)
        {
            var t = targets[i];
            Target tg = t switch
            {
                LocalExpr l => new LocalTarget(l.Var),
                UpvalExpr u => UpvalAssignment(new UpvalTarget(((UpvalExpr)u).Index)),
                GlobalExpr g => new GlobalTarget(g.Name, Pos(line)),
                IndexExpr ix => new IndexTarget(ix.Obj, ix.Key, ix.Pos),
                FieldExpr fe => new IndexTarget(fe.Obj, new ConstExpr(fe.Key), Pos(line)),
                _ => throw _lx.Error("syntax error"),
            };
            if (tg is ILocalUse lu && targets.Count > 1)
                _fs.Uses.Add(lu);
            ts[i] = tg;
            slots[i] = _fs.Reserve(tg.PrepareSlots);
        }
        var valueSlot = _fs.FreeReg;
        var list = new List<Expr>();
        do
        {
            _fs.FreeReg = valueSlot + list.Count;
            if (_fs.FreeReg > _fs.MaxSlots)
                _fs.MaxSlots = _fs.FreeReg;
            list.Add(ParseExpr());
        }
        while (TestNext(','));
        _fs.FreeReg = valueSlot + Math.Max(list.Count, ts.Length);
        if (_fs.FreeReg > _fs.MaxSlots)
            _fs.MaxSlots = _fs.FreeReg;
        _fs.FreeReg = saveFree;
        Expr[] exprs = [.. list];
        return (new MultiAssign(ts, slots, exprs, valueSlot), exprs);
    }

    // ---- functions -------------------------------------------------------------------------------

    private Expr ParseFunctionBody(bool isMethod, int line, string name)
    {
        var fs = new FuncState { Parent = _fs };
        _protos.Add(fs.Proto);
        fs.Proto.Name = name;
        fs.Proto.Chunk = _lx.Chunk;
        fs.Proto.Line = line;
        _fs = fs;
        var parms = new List<LocalVar>();
        if (isMethod)
        {
            var self = DeclareLocal("self");
            Activate(self);
            parms.Add(self);
        }
        CheckNext('(');
        if (!_lx.Is(')'))
        {
            do
            {
                if (_lx.Tok == Tk.Name)
                {
                    var v = DeclareLocal(CheckName().ToString());
                    Activate(v);
                    parms.Add(v);
                }
                else if (_lx.Tok == Tk.Dots)
                {
                    _lx.Next();
                    fs.Proto.IsVararg = true;
                    break;
                }
                else
                {
                    throw _lx.Error("<name> or '...' expected");
                }
            }
            while (TestNext(','));
        }
        fs.Proto.ParamCount = parms.Count;
        CheckNext(')');
        var body = ParseBlock();
        CheckMatch(Tk.End, Tk.Function, line);
        CloseFunction(fs, body);
        fs.Proto.CapturedParams = parms.Where(p => p.Captured).Select(p => p.Slot).ToArray();
        _fs = fs.Parent!;
        return new FunctionExpr(fs.Proto, [.. fs.UpvalSources]);
    }

    // ---- expressions -----------------------------------------------------------------------------

    private Expr[] ParseExprList()
    {
        var list = new List<Expr>();
        var start = _fs.FreeReg;
        do
        {
            _fs.FreeReg = start + list.Count;
            if (_fs.FreeReg > _fs.MaxSlots)
                _fs.MaxSlots = _fs.FreeReg;
            list.Add(ParseExpr());
        }
        while (TestNext(','));
        _fs.FreeReg = start + list.Count;
        if (_fs.FreeReg > _fs.MaxSlots)
            _fs.MaxSlots = _fs.FreeReg;
        return [.. list];
    }

    private Expr ParsePrimaryExpr()
    {
        var line = _lx.Line;
        if (_lx.Tok == Tk.Name)
            return NameExpr(CheckName(), line);
        if (_lx.Is('('))
        {
            _lx.Next();
            var e = ParseExpr();
            CheckMatch(')', '(', line);
            return e.IsMulti || e is LocalExpr or UpvalExpr or GlobalExpr or IndexExpr or FieldExpr ? new ParenExpr(e) : e;
        }
        throw _lx.Error("unexpected symbol");
    }

    private Expr ParseSuffixedExpr()
    {
        var e = ParsePrimaryExpr();
        while (true)
        {
            if (_lx.Is('.'))
            {
                _lx.Next();
                var key = CheckName();
                e = new FieldExpr(e, key, Here());
            }
            else if (_lx.Is('['))
            {
                _lx.Next();
                var k = ParseExpr();
                CheckNext(']');
                e = k.IsConstant(out var kv) && kv.IsString
                    ? new FieldExpr(e, kv.AsString, Here())
                    : new IndexExpr(e, k, Here());
            }
            else if (_lx.Is(':'))
            {
                _lx.Next();
                var m = CheckName();
                e = ParseCallArgs(e, m);
            }
            else if (_lx.Is('(') || _lx.Tok == Tk.String || _lx.Is('{'))
            {
                e = ParseCallArgs(e, null);
            }
            else
            {
                return e;
            }
        }
    }

    /// <summary>A call's arguments; as in 5.1, the call's line is that of the token they start with.</summary>
    private Expr ParseCallArgs(Expr fn, LuaString? method)
    {
        int line = _lx.Line;
        var temp = _fs.FreeReg;
        var saveFree = _fs.FreeReg;
        _fs.FreeReg = temp + (method is null ? 0 : 1);
        if (_fs.FreeReg > _fs.MaxSlots)
            _fs.MaxSlots = _fs.FreeReg;
        Expr[] args;
        if (_lx.Tok == Tk.String)
        {
            args = [new ConstExpr(_lx.Str!)];
            _lx.Next();
        }
        else if (_lx.Is('{'))
        {
            args = [ParseTable()];
        }
        else if (_lx.Is('('))
        {
            if (_lx.Line != _lx.LastLine)
                throw _lx.Error("ambiguous syntax (function call x new statement)");
            _lx.Next();
            args = _lx.Is(')') ? [] : ParseExprList();
            CheckMatch(')', '(', line);
        }
        else
        {
            throw _lx.Error("function arguments expected");
        }
        _fs.FreeReg = Math.Max(_fs.FreeReg, temp + args.Length + 1);
        if (_fs.FreeReg > _fs.MaxSlots)
            _fs.MaxSlots = _fs.FreeReg;
        _fs.FreeReg = saveFree;
        var name = method?.ToString() ?? fn switch
        {
            LocalExpr l => l.Var.Name,
            GlobalExpr g => g.Name.ToString(),
            FieldExpr fe => fe.Key.ToString(),
            UpvalExpr u => ((UpvalExpr)u).Name,
            _ => "?",
        };
        return new CallExpr(fn, method, args, temp, Pos(line), name);
    }

    private ConstExpr NumberConst(double v)
    {
        var c = new ConstExpr(v);
        if (v == 0)
            _fs.Zeros.Add(c);
        return c;
    }

    private Expr ParseSimpleExpr()
    {
        switch (_lx.Tok)
        {
            case Tk.Number:
                {
                    var v = _lx.Num;
                    _lx.Next();
                    return NumberConst(v);
                }
            case Tk.String:
                {
                    var s = _lx.Str!;
                    _lx.Next();
                    return new ConstExpr(s);
                }
            case Tk.Nil:
                _lx.Next();
                return new ConstExpr(default);
            case Tk.True:
                _lx.Next();
                return new ConstExpr(true);
            case Tk.False:
                _lx.Next();
                return new ConstExpr(false);
            case Tk.Dots:
                if (!_fs.Proto.IsVararg)
                    throw _lx.Error("cannot use '...' outside a vararg function");
                _lx.Next();
                return new VarargExpr();
            case Tk.Function:
                {
                    var line = _lx.Line;
                    _lx.Next();
                    return ParseFunctionBody(false, line, "anonymous");
                }
            default:
                if (_lx.Is('{'))
                    return ParseTable();
                return ParseSuffixedExpr();
        }
    }

    private Expr ParseTable()
    {
        var line = _lx.Line;
        CheckNext('{');
        var items = new List<Expr>();
        var keys = new List<Expr>();
        var values = new List<Expr>();
        var temp = _fs.FreeReg;
        while (!_lx.Is('}'))
        {
            if (_lx.Tok == Tk.Name && _lx.PeekIsChar('='))
            {
                var k = CheckName();
                CheckNext('=');
                keys.Add(new ConstExpr(k));
                values.Add(ParseExpr());
            }
            else if (_lx.Is('['))
            {
                _lx.Next();
                keys.Add(ParseExpr());
                CheckNext(']');
                CheckNext('=');
                values.Add(ParseExpr());
            }
            else
            {
                items.Add(ParseExpr());
            }
            if (!TestNext(',') && !TestNext(';'))
                break;
        }
        CheckMatch('}', '{', line);
        _fs.Reserve(1);
        _fs.FreeReg = temp;
        return new TableExpr([.. items], [.. keys], [.. values], temp, Pos(line));
    }

    private static int LeftPriority(Tk t, char c) => t switch
    {
        Tk.Or => 1,
        Tk.And => 2,
        Tk.Eq or Tk.Ne or Tk.Le or Tk.Ge => 3,
        Tk.Concat => 5,
        Tk.Char => c switch
        {
            '<' or '>' => 3,
            '+' or '-' => 6,
            '*' or '/' or '%' => 7,
            '^' => 10,
            _ => -1,
        },
        _ => -1,
    };

    private static int RightPriority(Tk t, char c) => t switch
    {
        Tk.Concat => 4,
        Tk.Char when c == '^' => 9,
        _ => LeftPriority(t, c),
    };

    private const int UnaryPriority = 8;

    private Expr ParseExpr() => ParseSubExpr(0);

    private Expr ParseSubExpr(int limit)
    {
        Enter();
        Expr e;
        var line = _lx.Line;
        if (_lx.Tok == Tk.Not)
        {
            _lx.Next();
            e = new NotExpr(ParseSubExpr(UnaryPriority));
        }
        else if (_lx.Is('-'))
        {
            _lx.Next();
            var a = ParseSubExpr(UnaryPriority);
            if (a is ConstExpr ce && ce.V.IsNumber)
            {
                ce.Folded = true;
                e = NumberConst(-ce.V.N);
            }
            else
            {
                e = new NegExpr(a, Here());
            }
        }
        else if (_lx.Is('#'))
        {
            _lx.Next();
            e = new LenExpr(ParseSubExpr(UnaryPriority), Here());
        }
        else
        {
            e = ParseSimpleExpr();
        }
        while (true)
        {
            var tok = _lx.Tok;
            var ch = _lx.Ch;
            var lp = LeftPriority(tok, ch);
            if (lp <= limit)
                break;
            _lx.Next();
            var rhs = ParseSubExpr(RightPriority(tok, ch));
            e = MakeBinary(tok, ch, e, rhs, Here());
        }
        _ = line;
        Leave();
        return e;
    }

    private static Expr MakeBinary(Tk tok, char ch, Expr a, Expr b, SourcePos pos)
    {
        switch (tok)
        {
            case Tk.Or:
                return new OrExpr(a, b);
            case Tk.And:
                return new AndExpr(a, b);
            case Tk.Eq:
                return new EqExpr(a, b, false, pos);
            case Tk.Ne:
                return new EqExpr(a, b, true, pos);
            case Tk.Le:
                return new LeExpr(a, b, false, pos);
            case Tk.Ge:
                return new LeExpr(a, b, true, pos);
            case Tk.Concat:
                return new ConcatExpr(a, b, pos);
        }
        switch (ch)
        {
            case '<':
                return new LtExpr(a, b, false, pos);
            case '>':
                return new LtExpr(a, b, true, pos);
            case '+':
                return new AddExpr(a, b, pos);
            case '-':
                return new SubExpr(a, b, pos);
        }
        var op = ch switch
        {
            '*' => MetaNames.Mul,
            '/' => MetaNames.Div,
            '%' => MetaNames.Mod,
            _ => MetaNames.Pow,
        };
        return new ArithExpr(op, a, b, pos);
    }
}
