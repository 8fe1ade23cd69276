using Spinel.Tests.Infrastructure;

namespace Spinel.Tests.Differential;

/// <summary>rdb_changes_since_last_save (Redis's dirty counter, which will drive automatic saves) moves as in Redis.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class DirtyCounterDifferentialTests(DifferentialFixture fixture)
{
    public static TheoryData<string> Scripts() =>
    [
        "SET d:k v",
        "SET d:k v EX 100",
        "SET d:k 5\nINCR d:k\nINCRBY d:k 10\nAPPEND d:k x",
        "SET d:k v\nRENAME d:k d:k2",
        "SET d:k v\nMOVE d:k 1\nSELECT 1\nDEL d:k\nSELECT 0",
        "MSET d:a 1 d:b 2 d:c 3",
        "SET d:a 1\nSET d:b 2\nDEL d:a d:b d:missing",
        "SET d:k v\nEXPIRE d:k 100\nPERSIST d:k\nPEXPIRE d:k 100000",
        "SET d:k v\nCOPY d:k d:k2\nGETDEL d:k2",
        "SET d:k v NX\nSET d:k v XX GET\nGETSET d:k w",
        "HSET d:h a 1 b 2\nHDEL d:h a\nHINCRBY d:h n 5\nHINCRBYFLOAT d:h f 1.5\nHSETNX d:h a 1\nHDEL d:h a b n f",
        "SADD d:s 1 2 3 3\nSADD d:s 3",
        "SADD d:s a b c\nSREM d:s a z\nSREM d:s b c",
        "SADD d:s 1 2 3 4 5\nSPOP d:s 2\nSPOP d:s\nSPOP d:s 10",
        "SADD d:a 1 2\nSADD d:b 2\nSMOVE d:a d:b 2\nSMOVE d:a d:b 1\nSMOVE d:b d:b 1",
        "SADD d:a 1 2\nSADD d:b 2 3\nSINTERSTORE d:d d:a d:b\nSUNIONSTORE d:d d:a d:b\nSDIFFSTORE d:d d:a d:a\nSDIFFSTORE d:d d:a d:a",
        "RPUSH d:l a b c\nLPUSH d:l x y\nLPUSHX d:l z\nRPUSHX d:missing z\nLPUSHX d:missing a b",
        "RPUSH d:l a b c d e\nLPOP d:l\nRPOP d:l 2\nLPOP d:l 0\nLPOP d:missing 3\nLPOP d:l 10\nLPOP d:l",
        "RPUSH d:l a b c\nLSET d:l 0 x\nLSET d:l 9 x\nLINSERT d:l BEFORE b y\nLINSERT d:l BEFORE nothere y\nLREM d:l 0 c\nLREM d:l 0 nothere",
        "RPUSH d:l a b a b a\nLREM d:l -2 a\nLREM d:l 0 b\nLREM d:l 0 a",
        "RPUSH d:l 1 2 3 4 5 6\nLTRIM d:l 1 -2\nLTRIM d:l 0 -1\nLTRIM d:missing 0 1\nLTRIM d:l 5 1",
        "RPUSH d:a 1 2 3\nLMOVE d:a d:b LEFT RIGHT\nRPOPLPUSH d:a d:a\nLMOVE d:missing d:b LEFT LEFT\nLMOVE d:a d:b RIGHT LEFT\nRPOPLPUSH d:a d:b",
        "RPUSH d:a 1 2 3\nRPUSH d:b 4\nLMPOP 2 d:a d:b LEFT COUNT 2\nLMPOP 2 d:missing d:b RIGHT COUNT 5\nLMPOP 1 d:missing LEFT\nLMPOP 1 d:a RIGHT",
        "RPUSH d:l a\nCOPY d:l d:l2\nLPOS d:l a\nLRANGE d:l 0 -1\nLINDEX d:l 0\nLLEN d:l",
        "ZADD d:z 1 a 2 b 3 c\nZADD d:z 1 a 5 b\nZADD d:z CH 1 a 6 b\nZADD d:z NX 9 a 9 n\nZADD d:z XX 9 zz\nZADD d:missing XX 1 a",
        "ZADD d:z GT 1 a\nZADD d:z 5 a\nZADD d:z GT 1 a\nZADD d:z LT 1 a\nZADD d:z INCR 1 a\nZADD d:z INCR 0 a\nZINCRBY d:z 2 b\nZADD d:z INCR inf i\nZADD d:z INCR -inf i",
        "ZADD d:z 1 a 2 b 3 c 4 d\nZREM d:z a x b\nZREM d:z x\nZREM d:z c d",
        "ZADD d:z 1 a 2 b 3 c 4 d 5 e\nZREMRANGEBYRANK d:z 0 1\nZREMRANGEBYRANK d:z 5 9\nZREMRANGEBYSCORE d:z 3 4\nZREMRANGEBYSCORE d:z 9 9\nZREMRANGEBYLEX d:z - +",
        "ZADD d:z 1 a 2 b 3 c 4 d 5 e\nZPOPMIN d:z\nZPOPMAX d:z 2\nZPOPMIN d:z 0\nZMPOP 2 d:missing d:z MIN COUNT 5\nZPOPMIN d:z",
        "ZADD d:z 1 a 2 b 3 c\nBZPOPMIN d:z 0\nBZPOPMAX d:z 0\nBZMPOP 0 1 d:z MIN COUNT 9",
        "ZADD d:z 1 a 2 b 3 c\nZRANGESTORE d:d d:z 0 1\nZRANGESTORE d:d d:z 5 9\nZRANGESTORE d:d d:z 5 9\nZRANGESTORE d:d d:missing 0 1\nZRANGESTORE d:z d:z 0 0",
        "ZADD d:z 1 a 2 b\nZRANGE d:z 0 -1\nZSCORE d:z a\nZRANK d:z a\nZCOUNT d:z 0 9\nZRANDMEMBER d:z 5\nZSCAN d:z 0\nCOPY d:z d:c",
        "PFADD d:h a b c\nPFADD d:h a\nPFADD d:h d e f g\nPFADD d:h",
        "PFADD d:h a b c\nPFCOUNT d:h\nPFCOUNT d:h\nPFCOUNT d:h d:missing\nPFADD d:h z\nPFCOUNT d:h",
        "PFADD d:a x\nPFADD d:b y\nPFMERGE d:c d:a d:b\nPFMERGE d:c\nPFMERGE d:d d:missing",
        "PFADD d:h a b\nPFDEBUG TODENSE d:h\nPFDEBUG TODENSE d:h\nPFADD d:g q\nPFDEBUG GETREG d:g\nPFDEBUG ENCODING d:g\nPFDEBUG DECODE d:h",
        // Bitmaps: SETBIT and BITFIELD count only when the string was created or grew or a field changed; BITOP a store or a deleted destination.
        "SETBIT d:b 0 0",
        "SETBIT d:b 0 0\nSETBIT d:b 0 0\nSETBIT d:b 0 1\nSETBIT d:b 0 1\nSETBIT d:b 7 0\nSETBIT d:b 8 0",
        "SET d:b 1\nSETBIT d:b 0 0\nSETBIT d:b 2 1\nSETBIT d:b 2 0",
        "SETBIT d:b x 1\nSETBIT d:b 1 5\nRPUSH d:l a\nSETBIT d:l 0 1\nGETBIT d:b 0",
        "BITFIELD d:b SET u8 0 5 SET u8 0 6",
        "BITFIELD d:b SET u8 0 5\nBITFIELD d:b SET u8 0 5 INCRBY u8 0 0 GET u8 0",
        "BITFIELD d:b SET u8 0 0 SET u8 0 1",
        "BITFIELD d:b SET u8 0 1\nBITFIELD d:b SET u8 100 0 SET u8 0 1",
        "BITFIELD d:b OVERFLOW FAIL INCRBY u2 0 100",
        "BITFIELD d:b OVERFLOW FAIL INCRBY u2 0 100 SET u8 8 0",
        "SET d:b x\nBITFIELD d:b OVERFLOW SAT INCRBY u8 0 1000 INCRBY u8 0 1000 OVERFLOW WRAP INCRBY u8 0 256",
        "BITFIELD d:b GET u8 0\nBITFIELD d:b\nBITFIELD_RO d:b GET u8 0\nBITFIELD d:b GET u8 0 SET u8 x 1",
        "SET d:a abc\nBITOP NOT d:d d:a\nBITOP AND d:d d:a d:a\nBITOP OR d:d d:missing\nBITOP OR d:d d:missing",
        "BITOP XOR d:d d:missing\nBITOP NOT d:d d:missing\nBITOP FOO d:d d:a",
    ];

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public async Task Change_counter_grows_like_redis(string script)
    {
        fixture.Oracle.RequireAvailable();
        await using var spinel = await fixture.Spinel.ConnectAsync();
        await using var redis = await fixture.Oracle.ConnectAsync();
        Assert.Equal(await ChangeCounter.DeltaAsync(redis, script), await ChangeCounter.DeltaAsync(spinel, script));
    }
}
