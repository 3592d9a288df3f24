namespace MLNet.Lstm;

/// <summary>The fitted shifts and scales (F each) of one series key.</summary>
internal readonly record struct SeriesScalingRow(ReadOnlyMemory<float> Shift, ReadOnlyMemory<float> Scale);
