using Outpost.Gateway.Engine;
using Outpost.Gateway.Queue.Hosting;

namespace Outpost.Gateway.Tests.Queue;

/// <summary>The options' DataAnnotations are enforced through PropertyValidation (the path the Native AOT binary
/// takes too; the reflection-based Validator found no attributes there and accepted anything).</summary>
public sealed class GmqOptionsValidationTests
{
    private static GmqOptions Valid => new() { CloudUrl = new Uri("http://127.0.0.1:1/"), QueuePath = Path.Combine(Path.GetTempPath(), "gmq.db") };

    [Fact]
    public void Validate_DefaultsWithACloudAndAQueue_AreValid() => Assert.Empty(Valid.Validate());

    [Fact]
    public void Validate_OutOfRangeNumberAndTimeSpan_NamesEachInTheSettingsWords()
    {
        var errors = (Valid with { MinFreeDiskPercent = 200, BackoffBase = TimeSpan.FromMilliseconds(1) }).Validate();

        Assert.Contains("gmq min_free_disk must be between 0 and 100.", errors);
        Assert.Contains("gmq backoff_base must be between 10 ms and 10 min.", errors);
    }

    [Fact]
    public void EngineOptions_Validate_RejectsALongPollOverFiveMinutes()
    {
        var options = new EngineOptions { Home = new GweHome(Path.GetTempPath()), LongPollTimeout = TimeSpan.FromMinutes(6) };

        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(options.Validate);
        Assert.Contains("LongPollTimeout", error.Message, StringComparison.Ordinal);
    }
}
