using System.Net;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Content;

/// <summary>
/// What a crash leaves in the content area (an upload's temp file, a file whose catalog row was never written or was
/// already deleted, the directory of a product deleted mid-way) is removed when the node starts again; content the
/// catalog lists is untouched.
/// </summary>
public sealed class ContentSweepTests
{
    [Fact]
    public async Task Restart_RemovesFilesTheCatalogDoesNotList_AndKeepsListedContent()
    {
        using var data = new TempDirectory("outpost-sweep");
        string pid;
        await using (var cloud = await TestCloud.StartAsync(data.Path))
        {
            pid = await cloud.CreateProductAsync();
            (await cloud.Admin.PutAsync($"api/v1/products/{pid}/content/app.v1.tar.gz", new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();
        }

        var content = Path.Combine(data.Path, "content");
        var productDir = Path.Combine(content, pid);
        await File.WriteAllBytesAsync(Path.Combine(productDir, ".upload-0123456789abcdef"), [9, 9]);
        await File.WriteAllBytesAsync(Path.Combine(productDir, "app.v2.tar.gz"), [7]);
        var goneProduct = Directory.CreateDirectory(Path.Combine(content, "deletedproduct1")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(goneProduct, "fw.bin"), [5]);

        await using (var cloud = await TestCloud.StartAsync(data.Path))
        {
            Assert.Equal(["app.v1.tar.gz"], Directory.GetFiles(productDir).Select(Path.GetFileName));
            Assert.False(Directory.Exists(goneProduct));
            Assert.Equal([1, 2, 3], await cloud.Admin.GetByteArrayAsync($"api/v1/products/{pid}/content/app.v1.tar.gz/download"));
            using var orphan = await cloud.Admin.GetAsync($"api/v1/products/{pid}/content/app.v2.tar.gz/download");
            Assert.Equal(HttpStatusCode.NotFound, orphan.StatusCode);
        }
    }
}
