namespace Crm.Tests;

public class LibraryTests
{
    [Fact]
    public void LoadsTheLibraryNamedByCrmLibrary()
    {
        string? path = Environment.GetEnvironmentVariable("CRM_LIBRARY");
        Assert.False(string.IsNullOrEmpty(path), "CRM_LIBRARY must name the libcrm build under test");
        Assert.True(File.Exists(path), $"CRM_LIBRARY={path} does not exist");

        Assert.Equal(CrmLibrary.SupportedMajor, CrmLibrary.VersionNumber / 10000);
        Assert.Matches(@"^\d+\.\d+\.\d+", CrmLibrary.Version);
        Assert.True(CrmLibrary.SchemaVersion > 0);
    }

    [Fact]
    public void OpensInMemoryWorkspaceWithStandardFields()
    {
        using var db = CrmDatabase.Open(":memory:");
        Assert.Equal(0, db.CountCustomers());
        Assert.Equal(CrmLibrary.SchemaVersion, db.SchemaVersion);
        var names = db.ListFields().Select(f => f.Name).ToList();
        Assert.Contains("email", names);
        Assert.Contains("external_id", names);
    }

    [Fact]
    public void FileWorkspaceHonoursReadOnlyAndRejectsForeignFiles()
    {
        string dir = Directory.CreateTempSubdirectory("crm-cs-").FullName;
        try
        {
            string path = Path.Combine(dir, "w.crm");
            using (var db = CrmDatabase.Open(path, new OpenOptions { Create = true, Sync = SyncMode.Full, BusyTimeout = TimeSpan.FromSeconds(1) }))
                db.CreateCustomer(TestWorkspace.Row(("name", "Ann")));

            using (var ro = CrmDatabase.Open(path, new OpenOptions { Create = false, ReadOnly = true }))
            {
                Assert.Equal(1, ro.CountCustomers());
                var e = Assert.Throws<ReadOnlyException>(() => ro.CreateCustomer(TestWorkspace.Row(("name", "Bob"))));
                Assert.Equal(StatusCode.ReadOnly, e.Code);
                Assert.Equal("CRM_E_READ_ONLY", e.StatusName);
            }

            string garbage = Path.Combine(dir, "garbage.crm");
            File.WriteAllText(garbage, new string('x', 4096));
            Assert.Throws<NotWorkspaceException>(() => CrmDatabase.Open(garbage));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
