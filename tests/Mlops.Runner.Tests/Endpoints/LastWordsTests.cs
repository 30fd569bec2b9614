using Mlops.Runner.Endpoints;

namespace Mlops.Runner.Tests.Endpoints;

public sealed class LastWordsTests
{
    [Fact]
    public void Of_ASentenceAfterAStackTrace_IsTheSentence()
    {
        string[] tail =
        [
            "System.InvalidOperationException: Failed to open a zip archive",
            "   at Microsoft.ML.ModelOperationsCatalog.Load(String filePath)",
            "   at Predict.IrisModel.Load(String folder) in /src/IrisModel.cs:line 53",
            "cannot load the model in /mlops/input/model: Failed to open a zip archive",
        ];

        Assert.Equal("cannot load the model in /mlops/input/model: Failed to open a zip archive", LastWords.Of(tail));
    }

    [Fact]
    public void Of_AnUnhandledException_IsItsMessageNotItsLastFrame()
    {
        string[] tail =
        [
            "Unhandled exception. System.IO.FileNotFoundException: Could not find file '/mlops/input/model/model.zip'.",
            "   at System.IO.FileStream..ctor(String path)",
            "--- End of stack trace from previous location ---",
            "   at Program.<Main>$(String[] args) in /src/Program.cs:line 3",
            "",
        ];

        Assert.Equal("Unhandled exception. System.IO.FileNotFoundException: Could not find file '/mlops/input/model/model.zip'.", LastWords.Of(tail));
    }

    [Fact]
    public void Of_OnlyFrames_IsTheLastFrame()
    {
        Assert.Equal("at A.B()", LastWords.Of(["  at C.D()", "  at A.B()  "]));
    }

    [Fact]
    public void Of_NothingPrinted_SaysSo()
    {
        Assert.Equal("(no output)", LastWords.Of(["", "   "]));
    }
}
