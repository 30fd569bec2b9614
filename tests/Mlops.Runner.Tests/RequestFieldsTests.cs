using Google.Protobuf.WellKnownTypes;
using Mlops.Runner.Grpc;

namespace Mlops.Runner.Tests;

public sealed class RequestFieldsTests
{
    [Theory]
    [InlineData(0, RequestFields.DefaultPageSize)]
    [InlineData(1, 1)]
    [InlineData(RequestFields.MaxPageSize, RequestFields.MaxPageSize)]
    public void PageSize_WithinBounds_IsTakenAndZeroMeansTheDefault(int requested, int expected) =>
        Assert.Equal(expected, RequestFields.PageSize(requested));

    [Theory]
    [InlineData(-1)]
    [InlineData(RequestFields.MaxPageSize + 1)]
    public void PageSize_OutOfBounds_IsRefusedNamingTheField(int requested)
    {
        var refusal = Assert.Throws<RunnerException>(() => RequestFields.PageSize(requested));

        Assert.Equal((ErrorKind.InvalidArgument, "page_size"), (refusal.Kind, refusal.Violations.Single().Field));
    }

    [Fact]
    public void Wait_Absent_IsNoWait() => Assert.Equal(TimeSpan.Zero, RequestFields.Wait(null));

    [Fact]
    public void Wait_Given_IsTaken() => Assert.Equal(TimeSpan.FromSeconds(3), RequestFields.Wait(Duration.FromTimeSpan(TimeSpan.FromSeconds(3))));

    [Fact]
    public void Wait_Negative_IsRefusedNamingTheField()
    {
        var refusal = Assert.Throws<RunnerException>(() => RequestFields.Wait(Duration.FromTimeSpan(TimeSpan.FromSeconds(-1))));

        Assert.Equal((ErrorKind.InvalidArgument, "wait"), (refusal.Kind, refusal.Violations.Single().Field));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("train", "train")]
    public void OptionalName_EmptyOrValid_MeansAllOrThatName(string value, string? expected) =>
        Assert.Equal(expected, RequestFields.OptionalName(value, "function"));

    [Fact]
    public void OptionalName_Malformed_IsRefusedNamingTheField()
    {
        var refusal = Assert.Throws<RunnerException>(() => RequestFields.OptionalName("../etc", "experiment"));

        Assert.Equal((ErrorKind.InvalidArgument, "experiment"), (refusal.Kind, refusal.Violations.Single().Field));
    }
}
