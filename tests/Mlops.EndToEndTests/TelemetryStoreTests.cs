extern alias apphost;

using apphost::Mlops.AppHost.Telemetry;
using apphost::Mlops.AppHost.Telemetry.Otlp;
using Google.Protobuf;

namespace Mlops.EndToEndTests;

/// <summary>The dashboard's store of what it received over OTLP: tolerant of odd batches, bounded in size.</summary>
public sealed class TelemetryStoreTests
{
    [Fact]
    public void Add_RepeatedAttributesAndHugeStrings_AreKeptBounded_AndTheBatchIsNotLost()
    {
        var store = new TelemetryStore(maxSpans: 2);
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(new byte[16]),
            SpanId = ByteString.CopyFrom(new byte[8]),
            Name = new string('n', 100_000),
            StartTimeUnixNano = 1_763_884_800_000_000_000,
            EndTimeUnixNano = 1_763_884_800_500_000_000,
            Attributes =
            {
                new KeyValue { Key = "faas.name", Value = new AnyValue { StringValue = "first" } },
                new KeyValue { Key = "faas.name", Value = new AnyValue { StringValue = "predict" } },
            },
        };
        var request = new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { span, span.Clone(), span.Clone() } } } } } };

        store.Add(request);

        var spans = store.Spans();
        Assert.Equal(2, spans.Count);
        Assert.Equal("predict", spans[0].Attributes["faas.name"]);
        Assert.True(spans[0].Name.Length <= 4097);
        Assert.Equal(TimeSpan.FromMilliseconds(500), spans[0].End - spans[0].Start);
    }
}
