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
