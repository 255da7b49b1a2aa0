using System.Text.Json;

namespace Outpost.Cloud.Cli;

/// <summary>An API answer both typed (for tables) and as the exact JSON the server sent (for <c>--json</c>).</summary>
internal sealed record ApiReply<T>(T Value, JsonElement Json);
