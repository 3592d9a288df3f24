using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

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
        KeyColumn = FindKeyColumn(parent, input);

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

    /// <summary>The series key column a series-level mode reads (-1 when none), checked against the fitted key type.</summary>
    private static int FindKeyColumn(NormalizeWindowsTransformer parent, DataViewSchema input)
    {
        if (parent.SeriesColumnName is not { } name)
            return -1;
        var expected = KeyTypes.Column(parent.Series!.KeyType)!;
        var key = input.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(input),
            $"NormalizeWindows ({parent.Mode}): the series key column '{name}' is not in the input (columns: {string.Join(", ", input.Where(c => !c.IsHidden).Select(c => c.Name))}); " +
            "the model scales each window with the statistics fitted for its series, so every window row needs its key. " +
            "Keep the key column next to the window (SlidingWindow passes it through; SeriesForecaster's ...BySeries methods supply it).");
        if (!key.Type.Equals(expected))
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"NormalizeWindows ({parent.Mode}): the series key column '{name}' has type {key.Type}, but the model was fitted on keys of type {expected}. " +
                "Convert it (mlContext.Transforms.Conversion.ConvertType) to the training data's key type.");
        }
        return key.Index;
    }

    private static void AddText(DataViewSchema.Annotations.Builder builder, string name, string value)
    {
        var memory = value.AsMemory();
        builder.Add(name, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = memory);
    }

    public NormalizeWindowsTransformer Parent { get; }

    public int WindowColumn { get; }

    /// <summary>The series key column of a series-level mode with keys, else -1.</summary>
    public int KeyColumn { get; } = -1;

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
                if (KeyColumn >= 0)
                    needed.Add(KeyColumn);
                if (column.Index == NormalizedLabelColumn)
                    needed.Add(LabelColumn);
            }
        }
        return needed.Select(i => InputSchema[i]).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        => new NormalizeWindowsRow(this, input, activeColumns, cacheByPosition: false);

    /// <summary>The lazily computed output of <see cref="NormalizeWindowsTransformer.Transform"/>.</summary>
    public IDataView Transform(IDataView input)
        => new MappedDataView(input, this, (cursor, columns) => new NormalizeWindowsRow(this, cursor, columns, cacheByPosition: true));
}

/// <summary>A normalised row over an input row (mapper) or cursor (data view).</summary>
internal sealed class NormalizeWindowsRow : MappedRow
{
    private readonly NormalizeWindowsMapper _mapper;
    private readonly bool _cacheByPosition;
    private readonly int _t, _f;
    private readonly ValueGetter<VBuffer<float>>? _windowGetter;
    private readonly Func<string>? _readKey;
    private readonly float[] _raw, _values, _shift, _scale;
    private VBuffer<float> _buffer;
    private long _cachedPosition = long.MinValue;

    public NormalizeWindowsRow(NormalizeWindowsMapper mapper, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns, bool cacheByPosition)
        : base(input, mapper.OutputSchema, activeColumns)
    {
        _mapper = mapper;
        _cacheByPosition = cacheByPosition;
        _t = mapper.Parent.WindowSize;
        _f = mapper.Parent.FeatureCount;
        _raw = new float[_t * _f];
        _values = new float[_t * _f];
        _shift = new float[_f];
        _scale = new float[_f];
        if (input.IsColumnActive(input.Schema[mapper.WindowColumn]))
            _windowGetter = input.GetGetter<VBuffer<float>>(input.Schema[mapper.WindowColumn]);
        if (mapper.KeyColumn >= 0 && input.IsColumnActive(input.Schema[mapper.KeyColumn]))
            _readKey = SeriesKeyReader.MakeReader(input, input.Schema[mapper.KeyColumn]);
    }

    protected override string Component => "NormalizeWindows";

    protected override Delegate MakeGetter(DataViewSchema.Column column)
    {
        if (column.Index == _mapper.OutputWindowColumn)
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => { Ensure(); VectorValues.Write(_values, ref value); });
        if (column.Index == _mapper.ShiftColumn)
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => { Ensure(); VectorValues.Write(_shift, ref value); });
        if (column.Index == _mapper.ScaleColumn)
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => { Ensure(); VectorValues.Write(_scale, ref value); });
        return MakeLabelGetter();
    }

    private Delegate MakeLabelGetter()
    {
        var labelColumn = Input.Schema[_mapper.LabelColumn];
        int target = _mapper.Parent.TargetIndex;
        if (_mapper.LabelSize == 0)
        {
            var source = Input.GetGetter<float>(labelColumn);
            return (ValueGetter<float>)((ref float value) =>
            {
                Ensure();
                source(ref value);
                value = WindowNormalizer.NormalizeValue(value, _shift[target], _scale[target]);
            });
        }
        var vectorSource = Input.GetGetter<VBuffer<float>>(labelColumn);
        VBuffer<float> raw = default;
        var labels = new float[_mapper.LabelSize];
        return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            Ensure();
            vectorSource(ref raw);
            VectorValues.CopyExact(raw, labels, Component, labelColumn.Name, Input.Position);
            for (int i = 0; i < labels.Length; i++)
                labels[i] = WindowNormalizer.NormalizeValue(labels[i], _shift[target], _scale[target]);
            VectorValues.Write(labels, ref value);
        });
    }

    /// <summary>The fitted statistics of the row's series (series-level modes); an unseen key is an error.</summary>
    private SeriesScalingRow Fitted(long position)
    {
        var series = _mapper.Parent.Series;
        if (series is null)
            return default;
        if (_readKey is null)
            return series.Row(0);
        string key = _readKey();
        return series.TryGetRow(key, out var row) ? row : throw series.UnseenKey(_mapper.Parent.Mode, key, position);
    }

    private void Ensure()
    {
        long position = Input.Position;
        if (_cacheByPosition && position == _cachedPosition)
            return;
        _cachedPosition = long.MinValue;
        _windowGetter!(ref _buffer);
        VectorValues.CopyExact(_buffer, _raw, Component, _mapper.Parent.InputColumnName, position);
        _raw.CopyTo(_values, 0);
        int invalid = WindowNormalizer.Normalize(_values, _t, _f, _mapper.Parent.Mode, _shift, _scale, Fitted(position));
        // Labelled data (training, evaluation) must not carry windows that cannot be normalised: see the remarks of
        // NormalizeWindowsTransformer. At prediction time the window, shift and scale are NaN, as in the saved graph.
        if (invalid >= 0 && _mapper.LabelColumn >= 0)
            throw _mapper.Parent.CannotNormalize(position, invalid, _raw);
        _cachedPosition = position;
    }
}
