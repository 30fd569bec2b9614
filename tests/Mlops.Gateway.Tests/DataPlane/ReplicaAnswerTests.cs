using System.Text;
using Mlops.Gateway.Serving;

namespace Mlops.Gateway.Tests.DataPlane;

public sealed class ReplicaAnswerTests
{
    [Theory]
    [InlineData("""{"predictions": [0, 1]}""", true)]
    [InlineData("""  {"predictions": [{"class": "setosa"}]}  """, true)]
    [InlineData("""{"predictions": [0, 0, 0, 0""", false)]
    [InlineData("""{"predictions": [0]} {"predictions": [1]}""", false)]
    [InlineData("""[0, 1]""", false)]
    [InlineData("", false)]
    [InlineData("not json", false)]
    public void IsOneJsonObject_AnswersOnlyAWholeObject(string answer, bool whole) =>
        Assert.Equal(whole, ReplicaCall.IsOneJsonObject(Encoding.UTF8.GetBytes(answer)));
}
