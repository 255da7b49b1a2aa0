namespace Outpost.Gateway.Supervisor;

/// <summary>A program entered a state: raised for every state entered, in order, per program.</summary>
/// <param name="Program">The program name.</param>
/// <param name="From">The state it left.</param>
/// <param name="To">The state it entered.</param>
/// <param name="Pid">The process's pid when there is one.</param>
/// <param name="ExitCode">The last exit code, when it exited.</param>
/// <param name="At">When, by the supervisor's clock.</param>
internal sealed record ProgramStateChange(string Program, ProcessState From, ProcessState To, int? Pid, int? ExitCode, DateTimeOffset At);
