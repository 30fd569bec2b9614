extern alias apphost;

using apphost::Mlops.AppHost.Telemetry.Metrics;
using apphost::Mlops.AppHost.Telemetry.Otlp;
using Google.Protobuf;

namespace Mlops.EndToEndTests;

/// <summary>
/// An ExportMetricsServiceRequest written field by field with the published opentelemetry-proto numbers and wire
/// types (not with our generated classes), so a wrong number in our subset of the proto fails here.
/// </summary>
public sealed class OtlpMetricsTests
{
    private const ulong Start = 1_764_849_600_000_000_000; // 2025-12-04T12:00:00Z
    private const ulong Time = Start + 2_000_000_000;

    [Fact]
    public void Read_ARequestLaidOutAsThePublishedProto_GivesEverySumGaugeAndHistogramPoint()
    {
        var attribute = Message(o => { String(o, 1, "faas.name"); Nested(o, 2, Message(v => String(v, 1, "predict"))); });
        var counter = Message(o =>
        {
            String(o, 1, "mlops.invocations");
            String(o, 2, "Invocations by function and outcome");
            String(o, 3, "{invocation}");
            Nested(o, 7, Message(sum =>                                      // Metric.sum = 7
            {
                Nested(sum, 1, Message(p =>                                  // Sum.data_points = 1
                {
                    Nested(p, 7, attribute);                                 // NumberDataPoint.attributes = 7
                    Fixed64(p, 2, Start);
                    Fixed64(p, 3, Time);
                    p.WriteTag(6, WireFormat.WireType.Fixed64);              // as_int = 6 (sfixed64)
                    p.WriteSFixed64(3);
                }));
                sum.WriteTag(2, WireFormat.WireType.Varint);                  // aggregation_temporality = 2: CUMULATIVE
                sum.WriteEnum(2);
                sum.WriteTag(3, WireFormat.WireType.Varint);                  // is_monotonic = 3
                sum.WriteBool(true);
            }));
        });
        var gauge = Message(o =>
        {
            String(o, 1, "process.runtime.dotnet.gc.heap.size");
            Nested(o, 5, Message(g => Nested(g, 1, Message(p =>             // Metric.gauge = 5
            {
                Fixed64(p, 3, Time);
                p.WriteTag(4, WireFormat.WireType.Fixed64);                  // as_double = 4
                p.WriteDouble(1.5);
            }))));
        });
        var histogram = Message(o =>
        {
            String(o, 1, "mlops.invocation.duration");
            String(o, 3, "s");
            Nested(o, 9, Message(h =>                                        // Metric.histogram = 9
            {
                Nested(h, 1, Message(p =>
                {
                    Nested(p, 9, attribute);                                 // HistogramDataPoint.attributes = 9
                    Fixed64(p, 2, Start);
                    Fixed64(p, 3, Time);
                    Fixed64(p, 4, 4);                                        // count = 4
                    p.WriteTag(5, WireFormat.WireType.Fixed64);              // sum = 5
                    p.WriteDouble(6.0);
                    Packed(p, 6, [0UL, 4UL, 0UL]);                           // bucket_counts = 6 (fixed64)
                    Packed(p, 7, [1.0, 2.0]);                                // explicit_bounds = 7 (double)
                    p.WriteTag(11, WireFormat.WireType.Fixed64);             // min = 11
                    p.WriteDouble(1.2);
                    p.WriteTag(12, WireFormat.WireType.Fixed64);             // max = 12
                    p.WriteDouble(1.8);
                }));
                h.WriteTag(2, WireFormat.WireType.Varint);
                h.WriteEnum(1);                                              // DELTA
            }));
        });
        // An exponential histogram (10) is not charted: skipped, not a failed batch.
        var exponential = Message(o => { String(o, 1, "skipped"); Nested(o, 10, Message(e => Nested(e, 1, Message(p => Fixed64(p, 3, Time))))); });
        var request = Message(o => Nested(o, 1, Message(resource =>          // resource_metrics = 1
        {
            Nested(resource, 1, Message(r => Nested(r, 1, Message(kv =>       // ResourceMetrics.resource = 1
            {
                String(kv, 1, "service.name");
                Nested(kv, 2, Message(v => String(v, 1, "runner")));
            }))));
            Nested(resource, 2, Message(scope =>                             // scope_metrics = 2
            {
                Nested(scope, 1, Message(s => String(s, 1, "Mlops.Runner")));
                foreach (var metric in new[] { counter, gauge, histogram, exponential })
                {
                    Nested(scope, 2, metric);                                // ScopeMetrics.metrics = 2
                }
            }));
            String(resource, 3, "https://opentelemetry.io/schemas/1.30.0"); // schema_url = 3
        })));

        var samples = OtlpMetrics.Read(ExportMetricsServiceRequest.Parser.ParseFrom(request)).ToList();

        Assert.Equal(3, samples.Count);
        var invocations = samples[0];
        var instrument = invocations.Instrument;
        Assert.Equal(("runner", "mlops.invocations", "{invocation}", "Mlops.Runner"), (instrument.Service, instrument.Name, instrument.Unit, instrument.Scope));
        Assert.Equal((InstrumentType.Counter, true, 3.0), (instrument.Type, instrument.Cumulative, invocations.Point.Value));
        Assert.Equal("predict", invocations.Attributes["faas.name"]);
        Assert.Equal(TimeSpan.FromSeconds(2), invocations.Point.Time - invocations.Point.Start);
        Assert.Equal((InstrumentType.Gauge, 1.5), (samples[1].Instrument.Type, samples[1].Point.Value));
        var duration = samples[2];
        Assert.Equal((InstrumentType.Histogram, false), (duration.Instrument.Type, duration.Instrument.Cumulative));
        Assert.Equal([1.0, 2.0], duration.Point.Histogram!.Bounds);
        Assert.Equal([0UL, 4UL, 0UL], duration.Point.Histogram.Counts);
        Assert.Equal((4UL, 1.2, 1.8), (duration.Point.Histogram.Count, duration.Point.Histogram.Min!.Value, duration.Point.Histogram.Max!.Value));
    }

    [Fact]
    public void Read_HistogramsWithMalformedBuckets_AreLeftOut_AndTheRestOfTheBatchKept()
    {
        static HistogramDataPoint Point(double[] bounds, ulong[] counts) =>
            new() { TimeUnixNano = Time, StartTimeUnixNano = Start, Count = 1, ExplicitBounds = { bounds }, BucketCounts = { counts } };
        var histogram = new Histogram
        {
            AggregationTemporality = AggregationTemporality.Cumulative,
            DataPoints =
            {
                Point([1, 2], [0, 1]),                       // one count short
                Point([2, 1], [0, 1, 0]),                    // bounds not increasing
                Point([1, double.PositiveInfinity], [0, 1, 0]),
                Point([1, 2], [0, 1, 0]),
            },
        };
        var request = new ExportMetricsServiceRequest
        {
            ResourceMetrics = { new ResourceMetrics { ScopeMetrics = { new ScopeMetrics { Metrics = { new Metric { Name = "d", Histogram = histogram } } } } } },
        };

        var sample = Assert.Single(OtlpMetrics.Read(request));

        Assert.Equal("unknown", sample.Instrument.Service);
        Assert.Equal([1.0, 2.0], sample.Point.Histogram!.Bounds);
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }

    private static void Nested(CodedOutputStream output, int field, byte[] message)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(message));
    }

    private static void String(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void Fixed64(CodedOutputStream output, int field, ulong value)
    {
        output.WriteTag(field, WireFormat.WireType.Fixed64);
        output.WriteFixed64(value);
    }

    private static void Packed(CodedOutputStream output, int field, ulong[] values) =>
        Nested(output, field, Message(o => { foreach (var value in values) o.WriteFixed64(value); }));

    private static void Packed(CodedOutputStream output, int field, double[] values) =>
        Nested(output, field, Message(o => { foreach (var value in values) o.WriteDouble(value); }));
}
