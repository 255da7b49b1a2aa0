namespace Outpost.Gdc;

/// <summary>Arguments that parse but make no sense together; exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
