using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm.Scoring;

/// <summary>A pass-through graph input served from the batch's contiguous input buffer.</summary>
internal sealed class ModelInputCache : ColumnCache
{
    private readonly float[] _buffer;
    private readonly int _size;

    public ModelInputCache(float[] buffer, int size)
    {
        _buffer = buffer;
        _size = size;
    }

    public override void Read(int slot)
    {
    }

    public override Delegate GetGetter(Func<int> row)
        => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => VectorValues.Write(_buffer.AsSpan(row() * _size, _size), ref value));
}
