using System.Runtime.InteropServices;

namespace Spinel.Networking.Epoll;

/// <summary>The Linux calls the epoll engine makes. Constants and layouts are Linux x64's.</summary>
internal static unsafe partial class Libc
{
    public const int EpollCtlAdd = 1, EpollCtlDel = 2;
    public const uint EpollIn = 0x001, EpollOut = 0x004, EpollErr = 0x008, EpollHup = 0x010, EpollRdHup = 0x2000, EpollEt = 0x80000000;
    public const int EINTR = 4, EAGAIN = 11;
    public const int MsgNoSignal = 0x4000;
    public const int EfdCloexec = 0x80000, EpollCloexec = 0x80000;

    /// <summary>struct epoll_event, which is packed on x86-64.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, EpollEvent* events, int maxEvents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);
}
