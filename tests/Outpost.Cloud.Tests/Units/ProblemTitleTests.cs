using Outpost.Cloud.Management;

namespace Outpost.Cloud.Tests.Units;

/// <summary>Problem titles read the same whichever path answers (named helpers, a status passed through, the error boundary).</summary>
public sealed class ProblemTitleTests
{
    [Theory]
    [InlineData(400, "Bad request")]
    [InlineData(401, "Unauthorized")]
    [InlineData(403, "Forbidden")]
    [InlineData(404, "Not found")]
    [InlineData(409, "Conflict")]
    [InlineData(413, "Payload too large")]
    [InlineData(416, "Range not satisfiable")]
    [InlineData(429, "Too many requests")]
    [InlineData(599, "Error")]
    public void Title_IsTheReasonPhraseInSentenceCase(int status, string title) => Assert.Equal(title, Problems.Title(status));
}
