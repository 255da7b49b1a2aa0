namespace Outpost.Bench.Http;

/// <summary>A load phase against one server, with the CPU the server and the generator used (in cores) while it ran.</summary>
internal sealed record MeasuredPhase(string Target, LoadResult Load, double ServerCores, double GeneratorCores);
