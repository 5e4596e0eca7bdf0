using System.ComponentModel.DataAnnotations;

namespace Edge.Appliance.Store;

/// <summary>Where and how the box keeps its log (<c>Edge</c> section).</summary>
public sealed class StoreOptions
{
    public const string Section = "Edge";

    /// <summary>Folder holding <c>edge.db</c>.</summary>
    [Required]
    public string DataDir { get; set; } = "./data";

    /// <summary>Reads waiting for the writer; when full, connections stop reading their sockets (TCP backpressure) instead of dropping.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 16_384;

    /// <summary>Most entries committed in one transaction.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatch { get; set; } = 4096;
}
