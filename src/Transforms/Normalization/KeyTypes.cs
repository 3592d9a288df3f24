using Microsoft.ML.Data;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

/// <summary>The column types a series key can have, and their ONNX element types.</summary>
internal static class KeyTypes
{
    private static readonly (Type Raw, OnnxElementType Onnx, DataViewType Column)[] Table =
    {
        (typeof(ReadOnlyMemory<char>), OnnxElementType.String, TextDataViewType.Instance),
        (typeof(sbyte), OnnxElementType.Int8, NumberDataViewType.SByte),
        (typeof(byte), OnnxElementType.UInt8, NumberDataViewType.Byte),
        (typeof(short), OnnxElementType.Int16, NumberDataViewType.Int16),
        (typeof(ushort), OnnxElementType.UInt16, NumberDataViewType.UInt16),
        (typeof(int), OnnxElementType.Int32, NumberDataViewType.Int32),
        (typeof(uint), OnnxElementType.UInt32, NumberDataViewType.UInt32),
        (typeof(long), OnnxElementType.Int64, NumberDataViewType.Int64),
        (typeof(ulong), OnnxElementType.UInt64, NumberDataViewType.UInt64),
    };

    /// <summary>The element type of a key column's graph input, or null for a type a series-level mode cannot key on.</summary>
    public static OnnxElementType? Of(DataViewType type) =>
        type is KeyDataViewType ? null : Table.Where(e => e.Column.Equals(type)).Select(e => (OnnxElementType?)e.Onnx).FirstOrDefault();

    /// <summary>The column type of a key graph input's element type.</summary>
    public static DataViewType? Column(OnnxElementType type) => Table.Where(e => e.Onnx == type).Select(e => e.Column).FirstOrDefault();
}
