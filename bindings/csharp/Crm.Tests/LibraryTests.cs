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
    public void OpensAnEmptyWorkspaceWithStandardFields()
    {
        using var db = TestWorkspace.OpenEmpty();
        Assert.Equal(0, db.CountCustomers());
        // A file's schema version is the library's; a PostgreSQL database
        // numbers its layout on its own (crm.h, crm_db_schema_version).
        if (TestWorkspace.OnPostgres) Assert.True(db.SchemaVersion > 0);
        else Assert.Equal(CrmLibrary.SchemaVersion, db.SchemaVersion);
        var names = db.ListFields().Select(f => f.Name).ToList();
        Assert.Contains("email", names);
        Assert.Contains("external_id", names);
    }

    [Fact]
    public void ReadOnlyWorkspaceRefusesWrites()
    {
        using var place = new TestWorkspace.Place();
        using (var db = place.Open(new OpenOptions { Create = true, BusyTimeout = TimeSpan.FromSeconds(1) }))
            db.CreateCustomer(TestWorkspace.Row(("name", "Ann")));

        using var ro = place.Open(new OpenOptions { Create = false, ReadOnly = true });
        Assert.Equal(1, ro.CountCustomers());
        var e = Assert.Throws<ReadOnlyException>(() => ro.CreateCustomer(TestWorkspace.Row(("name", "Bob"))));
        Assert.Equal(StatusCode.ReadOnly, e.Code);
        Assert.Equal("CRM_E_READ_ONLY", e.StatusName);
        Assert.Throws<ReadOnlyException>(() => ro.DefineField(new FieldDefinition { Name = "x", Type = FieldType.Text }));
        Assert.Equal(1, ro.CountCustomers());
    }

    /// <summary>File-only: SyncMode applies to files, and a foreign file's bytes.</summary>
    [Fact]
    [Trait("Backend", "File")]
    public void FileWorkspaceTakesSyncModeAndRejectsForeignFiles()
    {
        string dir = Directory.CreateTempSubdirectory("crm-cs-").FullName;
        try
        {
            string path = Path.Combine(dir, "w.crm");
            using (var db = CrmDatabase.Open(path, new OpenOptions { Create = true, Sync = SyncMode.Full, BusyTimeout = TimeSpan.FromSeconds(1) }))
                db.CreateCustomer(TestWorkspace.Row(("name", "Ann")));
            using (var again = CrmDatabase.Open(path, new OpenOptions { Create = false }))
                Assert.Equal(1, again.CountCustomers());

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
