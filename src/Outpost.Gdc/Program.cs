namespace Outpost.Gdc;

/// <summary>Entry point of <c>gdc</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => GdcCli.Create().Parse(args).InvokeAsync();
}
