using YamlDotNet.Core;

namespace Outpost.Cloud.Rules;

/// <summary>Valid YAML that a rule does not take (an alias, an odd tag, a duplicate key); only <see cref="RuleYaml"/> throws and catches it.</summary>
internal sealed class YamlRefusal(Mark? start, string problem) : Exception(problem)
{
    public Mark? Start { get; } = start;
}
