namespace MLNet.Lstm.Onnx;

/// <summary>ONNX tensor element types used by our graphs (values are ONNX's <c>TensorProto.DataType</c>).</summary>
internal enum OnnxElementType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    UInt32 = 12,
    UInt64 = 13,
}
