using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>
/// The values of one column captured into numbered slots, served back through a typed getter for the slot a caller
/// names: the rows of a scoring batch, or the last h + 1 rows of a sliding window.
/// </summary>
internal abstract class ColumnCache
{
    /// <summary>Reads the source row's current value into slot <paramref name="slot"/>.</summary>
    public abstract void Read(int slot);

    /// <summary>A typed getter (<c>ValueGetter&lt;T&gt;</c>) reading the slot that <paramref name="row"/> gives at each call.</summary>
    public abstract Delegate GetGetter(Func<int> row);

    public static ColumnCache Create(DataViewRow input, DataViewSchema.Column column, int capacity)
    {
        var raw = column.Type.RawType;
        Type cacheType = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VectorCache<>).MakeGenericType(raw.GetGenericArguments()[0])
            : typeof(ValueCache<>).MakeGenericType(raw);
        return (ColumnCache)Activator.CreateInstance(cacheType, input, column, capacity)!;
    }

    private sealed class ValueCache<T> : ColumnCache
    {
        private readonly ValueGetter<T> _source;
        private readonly T[] _values;

        public ValueCache(DataViewRow input, DataViewSchema.Column column, int capacity)
        {
            _source = input.GetGetter<T>(column);
            _values = new T[capacity];
        }

        public override void Read(int slot) => _source(ref _values[slot]);

        public override Delegate GetGetter(Func<int> row) => (ValueGetter<T>)((ref T value) => value = _values[row()]);
    }

    private sealed class VectorCache<T> : ColumnCache
    {
        private readonly ValueGetter<VBuffer<T>> _source;
        private readonly VBuffer<T>[] _values;
        private VBuffer<T> _scratch;

        public VectorCache(DataViewRow input, DataViewSchema.Column column, int capacity)
        {
            _source = input.GetGetter<VBuffer<T>>(column);
            _values = new VBuffer<T>[capacity];
        }

        public override void Read(int slot)
        {
            // The source may hand out buffers it reuses, so the slot gets its own copy.
            _source(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate GetGetter(Func<int> row)
            => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[row()].CopyTo(ref value));
    }
}
