using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

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
