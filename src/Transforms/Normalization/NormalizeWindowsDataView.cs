using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm;

/// <summary>The bound row-to-row map of <see cref="NormalizeWindowsTransformer"/> over one input schema.</summary>
internal sealed class NormalizeWindowsMapper : IRowToRowMapper
{
    public NormalizeWindowsMapper(NormalizeWindowsTransformer parent, DataViewSchema input)
    {
        Parent = parent;
        InputSchema = input;
        var window = input.GetColumnOrNull(parent.InputColumnName);
        int size = parent.WindowSize * parent.FeatureCount;
        if (window is null)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"NormalizeWindows: window column '{parent.InputColumnName}' was not found. Available columns: {string.Join(", ", input.Where(c => !c.IsHidden).Select(c => c.Name))}. " +
                "Put mlContext.Transforms.SlidingWindow(...) before NormalizeWindows.");
        }
        if (window.Value.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Size != size)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"NormalizeWindows: window column '{parent.InputColumnName}' has type {window.Value.Type}, but this transformer was fitted on windows of " +
                $"{size} values (T={parent.WindowSize} x F={parent.FeatureCount}) and needs a Vector<Single> of that size; use [VectorType({size})] or the same SlidingWindow parameters.");
        }
        WindowColumn = window.Value.Index;

        var label = input.GetColumnOrNull(parent.LabelColumnName);
        if (label is { } l)
        {
            if (l.Type == NumberDataViewType.Single)
                LabelSize = 0;
            else if (l.Type is VectorDataViewType lv && lv.ItemType == NumberDataViewType.Single && lv.Size > 0)
                LabelSize = lv.Size;
            else
            {
                throw new ArgumentOutOfRangeException(nameof(input),
                    $"NormalizeWindows: label column '{parent.LabelColumnName}' has type {l.Type}, but must be Single or a Vector<Single> of known size to be normalised; " +
                    "convert it, or set labelColumnName to the label made by SlidingWindow.");
            }
            LabelColumn = l.Index;
        }

        var builder = new DataViewSchema.Builder();
        foreach (var column in input)
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        var annotations = new DataViewSchema.Annotations.Builder();
        var own = new HashSet<string>
        {
            WindowAnnotations.WindowFeatureNames, WindowAnnotations.WindowSize, WindowAnnotations.WindowTargetIndex,
            WindowAnnotations.WindowNormalization, WindowAnnotations.WindowShiftColumn, WindowAnnotations.WindowScaleColumn,
        };
        annotations.Add(window.Value.Annotations, name => !own.Contains(name));
        WindowAnnotations.AddWindowAnnotations(annotations, parent.FeatureNames.ToArray(), parent.TargetIndex, parent.WindowSize);
        AddText(annotations, WindowAnnotations.WindowNormalization, parent.Mode.ToString());
        AddText(annotations, WindowAnnotations.WindowShiftColumn, parent.ShiftColumnName);
        AddText(annotations, WindowAnnotations.WindowScaleColumn, parent.ScaleColumnName);
        OutputWindowColumn = input.Count;
        builder.AddColumn(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, parent.WindowSize, parent.FeatureCount), annotations.ToAnnotations());
        builder.AddColumn(parent.ShiftColumnName, new VectorDataViewType(NumberDataViewType.Single, parent.FeatureCount));
        builder.AddColumn(parent.ScaleColumnName, new VectorDataViewType(NumberDataViewType.Single, parent.FeatureCount));
        if (LabelColumn >= 0)
        {
            builder.AddColumn(parent.NormalizedLabelColumnName,
                LabelSize == 0 ? NumberDataViewType.Single : new VectorDataViewType(NumberDataViewType.Single, LabelSize));
        }
        OutputSchema = builder.ToSchema();
    }

    private static void AddText(DataViewSchema.Annotations.Builder builder, string name, string value)
    {
        var memory = value.AsMemory();
        builder.Add(name, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = memory);
    }

    public NormalizeWindowsTransformer Parent { get; }

    public int WindowColumn { get; }

    public int LabelColumn { get; } = -1;

    /// <summary>0 for a Single label, else the label vector's size.</summary>
    public int LabelSize { get; }

    public int OutputWindowColumn { get; }

    public int ShiftColumn => OutputWindowColumn + 1;

    public int ScaleColumn => OutputWindowColumn + 2;

    public int NormalizedLabelColumn => LabelColumn >= 0 ? OutputWindowColumn + 3 : -1;

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new SortedSet<int>();
        foreach (var column in dependingColumns)
        {
            if (column.Index < InputSchema.Count)
                needed.Add(column.Index);
            else
            {
                needed.Add(WindowColumn);
                if (column.Index == NormalizedLabelColumn)
                    needed.Add(LabelColumn);
            }
        }
        return needed.Select(i => InputSchema[i]).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        => new NormalizeWindowsRow(this, input, activeColumns, cacheByPosition: false);
}

/// <summary>The lazily computed output of <see cref="NormalizeWindowsTransformer.Transform"/>.</summary>
internal sealed class NormalizeWindowsDataView : IDataView
{
    private readonly NormalizeWindowsMapper _mapper;
    private readonly IDataView _input;

    public NormalizeWindowsDataView(NormalizeWindowsMapper mapper, IDataView input)
    {
        _mapper = mapper;
        _input = input;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _mapper.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var columns = columnsNeeded.ToArray();
        var cursor = _input.GetRowCursor(_mapper.GetDependencies(columns), rand);
        return new NormalizeWindowsRow(_mapper, cursor, columns, cacheByPosition: true);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var columns = columnsNeeded.ToArray();
        return _input.GetRowCursorSet(_mapper.GetDependencies(columns), n, rand)
            .Select(c => (DataViewRowCursor)new NormalizeWindowsRow(_mapper, c, columns, cacheByPosition: true))
            .ToArray();
    }
}

/// <summary>A normalised row over an input row (mapper) or cursor (data view).</summary>
internal sealed class NormalizeWindowsRow : DataViewRowCursor
{
    private readonly NormalizeWindowsMapper _mapper;
    private readonly DataViewRow _input;
    private readonly bool[] _active;
    private readonly bool _cacheByPosition;
    private readonly int _t, _f;
    private readonly ValueGetter<VBuffer<float>>? _windowGetter;
    private readonly float[] _values, _shift, _scale;
    private VBuffer<float> _raw;
    private long _cachedPosition = long.MinValue;

    public NormalizeWindowsRow(NormalizeWindowsMapper mapper, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns, bool cacheByPosition)
    {
        _mapper = mapper;
        _input = input;
        _cacheByPosition = cacheByPosition;
        _active = new bool[mapper.OutputSchema.Count];
        foreach (var column in activeColumns)
            _active[column.Index] = true;
        _t = mapper.Parent.WindowSize;
        _f = mapper.Parent.FeatureCount;
        _values = new float[_t * _f];
        _shift = new float[_f];
        _scale = new float[_f];
        if (input.IsColumnActive(input.Schema[mapper.WindowColumn]))
            _windowGetter = input.GetGetter<VBuffer<float>>(input.Schema[mapper.WindowColumn]);
    }

    public override DataViewSchema Schema => _mapper.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override bool MoveNext() => ((DataViewRowCursor)_input).MoveNext();

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index < _mapper.InputSchema.Count ? _input.IsColumnActive(_mapper.InputSchema[column.Index]) : _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < _mapper.InputSchema.Count)
            return _input.GetGetter<TValue>(_mapper.InputSchema[column.Index]);
        if (!_active[column.Index])
            throw new InvalidOperationException($"NormalizeWindows: column '{column.Name}' was not requested.");
        Delegate getter;
        if (column.Index == _mapper.OutputWindowColumn)
            getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => { Ensure(); Copy(_values, ref value); });
        else if (column.Index == _mapper.ShiftColumn)
            getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => { Ensure(); Copy(_shift, ref value); });
        else if (column.Index == _mapper.ScaleColumn)
            getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => { Ensure(); Copy(_scale, ref value); });
        else
            getter = MakeLabelGetter();
        if (getter is not ValueGetter<TValue> typed)
            throw new InvalidOperationException($"NormalizeWindows: column '{column.Name}' has type {column.Type}, not {typeof(TValue)}.");
        return typed;
    }

    private Delegate MakeLabelGetter()
    {
        var labelColumn = _input.Schema[_mapper.LabelColumn];
        int target = _mapper.Parent.TargetIndex;
        if (_mapper.LabelSize == 0)
        {
            var source = _input.GetGetter<float>(labelColumn);
            return (ValueGetter<float>)((ref float value) =>
            {
                Ensure();
                source(ref value);
                value = (value - _shift[target]) / _scale[target];
            });
        }
        var vectorSource = _input.GetGetter<VBuffer<float>>(labelColumn);
        VBuffer<float> raw = default;
        return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            Ensure();
            vectorSource(ref raw);
            int size = raw.Length;
            var editor = VBufferEditor.Create(ref value, size);
            editor.Values.Clear();
            var values = raw.GetValues();
            if (raw.IsDense)
            {
                for (int i = 0; i < size; i++)
                    editor.Values[i] = values[i];
            }
            else
            {
                var indices = raw.GetIndices();
                for (int i = 0; i < indices.Length; i++)
                    editor.Values[indices[i]] = values[i];
            }
            for (int i = 0; i < size; i++)
                editor.Values[i] = (editor.Values[i] - _shift[target]) / _scale[target];
            value = editor.Commit();
        });
    }

    private static void Copy(float[] source, ref VBuffer<float> value)
    {
        var editor = VBufferEditor.Create(ref value, source.Length);
        source.AsSpan().CopyTo(editor.Values);
        value = editor.Commit();
    }

    private void Ensure()
    {
        long position = _input.Position;
        if (_cacheByPosition && position == _cachedPosition)
            return;
        _windowGetter!(ref _raw);
        var values = _raw.GetValues();
        if (_raw.IsDense)
            values.CopyTo(_values);
        else
        {
            Array.Clear(_values);
            var indices = _raw.GetIndices();
            for (int i = 0; i < indices.Length; i++)
                _values[indices[i]] = values[i];
        }
        int zero = NormalizeWindowsTransformer.NormalizeInPlace(_values, _t, _f, _mapper.Parent.Mode, _shift, _scale);
        if (zero >= 0)
        {
            _cachedPosition = long.MinValue;
            throw _mapper.Parent.ZeroBase(position, zero);
        }
        _cachedPosition = position;
    }

    protected override void Dispose(bool disposing)
    {
        // A cursor owns the input cursor it wraps, and IRowToRowMapper's contract makes a mapped row dispose its input.
        if (disposing)
            _input.Dispose();
        base.Dispose(disposing);
    }
}
