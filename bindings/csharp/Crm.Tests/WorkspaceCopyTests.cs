namespace Crm.Tests;

/// <summary>CrmDatabase.CopyWorkspace and Checksum, on the backend under test (tests/capi/workspace_copy_test.cc has the full matrix).</summary>
public class WorkspaceCopyTests
{
    [Fact]
    public void CopyKeepsIdsAndChecksumAndRefusesANonEmptyTarget()
    {
        using var source = TestWorkspace.Open();
        using var target = TestWorkspace.OpenEmpty();
        string empty = target.Checksum();
        long ada = source.CreateCustomer(TestWorkspace.Row(("name", "Ada"), ("score", 7L), ("contract_value", 12.5m)));
        long gone = source.CreateCustomer(TestWorkspace.Row(("name", "Gone")));
        source.DeleteCustomer(gone);
        Assert.Equal(64, source.Checksum().Length);
        Assert.NotEqual(empty, source.Checksum());

        CrmDatabase.CopyWorkspace(target, source);

        Assert.Equal(source.Checksum(), target.Checksum());
        Assert.Equal(7L, target.GetCustomer(ada)["score"]);
        Assert.True(target.CreateCustomer(TestWorkspace.Row(("name", "Next"))) > gone);
        string copied = target.Checksum();
        var refused = Assert.Throws<ConflictException>(() => CrmDatabase.CopyWorkspace(target, source));
        Assert.Equal("target", refused.Rule);
        Assert.Equal(copied, target.Checksum());
        Assert.Throws<InvalidArgumentException>(() => CrmDatabase.CopyWorkspace(source, source));
    }
}
