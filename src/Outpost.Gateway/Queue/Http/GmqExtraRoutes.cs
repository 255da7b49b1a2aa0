using Microsoft.AspNetCore.Routing;

namespace Outpost.Gateway.Queue.Http;

/// <summary>
/// Extra routes on GMQ's own listener; registered only by the benchmark, which measures a bare endpoint next to the
/// durable write on the same Kestrel listener in the same run.
/// </summary>
internal sealed record GmqExtraRoutes(Action<IEndpointRouteBuilder> Map);
