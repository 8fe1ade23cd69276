namespace Spinel.Tests.Infrastructure;

/// <summary>
/// Tests that measure the process's managed memory, and tests that allocate hundreds of megabytes, run one
/// after another: the measurements would otherwise count another test's buffers.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MemoryCollection
{
    public const string Name = "memory";
}
