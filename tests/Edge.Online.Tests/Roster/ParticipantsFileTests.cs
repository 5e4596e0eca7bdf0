using System.Text;
using Edge.Online.Roster;

namespace Edge.Online.Tests.Roster;

/// <summary>The roster file replaced whole or not at all, with nothing left beside it.</summary>
public class ParticipantsFileTests
{
    [Fact]
    public void The_new_bytes_replace_the_old_and_no_temporary_file_stays()
    {
        using var temp = new TempFolder();
        var path = temp.Write("participants.csv", "bib,first_name\n1,Old\n");

        ParticipantsFile.Replace(path, Encoding.UTF8.GetBytes("bib,first_name\n1,New\n"));

        Assert.Equal("bib,first_name\n1,New\n", File.ReadAllText(path));
        Assert.Equal(["participants.csv"], TempFolder.Names(temp.Path));
    }

    [Fact]
    public void A_file_made_where_there_was_none()
    {
        using var temp = new TempFolder();

        ParticipantsFile.Replace(temp["roster.csv"], "x\n"u8);

        Assert.Equal("x\n", File.ReadAllText(temp["roster.csv"]));
        Assert.Equal(["roster.csv"], TempFolder.Names(temp.Path));
    }

    [Fact]
    public void A_rename_that_fails_leaves_the_old_entry_and_removes_the_temporary_file()
    {
        using var temp = new TempFolder();
        // A folder where the file should be: the rename over it fails, as a locked or read-only target would.
        Directory.CreateDirectory(temp["participants.csv"]);
        temp.Write("participants.csv/keep.txt", "kept");

        Assert.ThrowsAny<IOException>(() => ParticipantsFile.Replace(temp["participants.csv"], "bib\n1\n"u8));

        Assert.Equal(["participants.csv"], TempFolder.Names(temp.Path));
        Assert.Equal("kept", File.ReadAllText(temp["participants.csv/keep.txt"]));
    }

    [Fact]
    public void A_missing_folder_is_a_clear_error()
    {
        using var temp = new TempFolder();

        var e = Assert.Throws<DirectoryNotFoundException>(() => ParticipantsFile.Replace(temp["gone/participants.csv"], "x"u8));

        Assert.Equal($"{temp["gone"]}: no such folder", e.Message);
    }
}
