namespace Outpost.Protocol.Forms;

/// <summary>The outcome of parsing a form: the fields in order, or why the input is not a form.</summary>
public sealed record FormParseResult
{
    private FormParseResult(IReadOnlyList<FormField> fields, string? error)
    {
        Fields = fields;
        Error = error;
    }

    /// <summary>The fields in the order they appeared; empty when <see cref="Error"/> is set.</summary>
    public IReadOnlyList<FormField> Fields { get; }

    /// <summary>A short, human-readable reason the input was rejected, or <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>Whether the input parsed.</summary>
    public bool Ok => Error is null;

    internal static FormParseResult Success(IReadOnlyList<FormField> fields) => new(fields, null);

    internal static FormParseResult Failure(string error) => new([], error);
}
