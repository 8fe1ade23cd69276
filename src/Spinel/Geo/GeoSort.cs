namespace Spinel.Geo;

/// <summary>
/// Sorting search results by distance with Redis's tie order. Redis sorts all results with the C library's
/// qsort (glibc: a stable merge sort), but when COUNT keeps fewer than all of them it uses a partial
/// quicksort (Bentley and McIlroy's "Engineering a Sort Function", narrowed to the wanted positions), which
/// is not stable. Equal distances are common (members in the same cell), so the partial sort below follows
/// that published algorithm step by step to put ties in the same order.
/// </summary>
public static class GeoSort
{
    /// <summary>Sorts all of <paramref name="items"/>, keeping equal elements in their order.</summary>
    public static void Stable<T>(T[] items, Comparison<T> compare)
    {
        if (items.Length < 2) return;
        var scratch = new T[items.Length];
        MergeSort(items, scratch, 0, items.Length, compare);
    }

    private static void MergeSort<T>(T[] items, T[] scratch, int start, int count, Comparison<T> compare)
    {
        if (count < 2) return;
        int left = count / 2;
        MergeSort(items, scratch, start, left, compare);
        MergeSort(items, scratch, start + left, count - left, compare);
        int i = start, j = start + left, end = start + count, k = 0;
        while (i < start + left && j < end) scratch[k++] = compare(items[i], items[j]) <= 0 ? items[i++] : items[j++];
        while (i < start + left) scratch[k++] = items[i++];
        while (j < end) scratch[k++] = items[j++];
        Array.Copy(scratch, 0, items, start, count);
    }

    /// <summary>
    /// Puts the elements that belong at positions <paramref name="first"/>..<paramref name="last"/> there, in
    /// order; the rest end up on the correct side but in no particular order.
    /// </summary>
    public static void Partial<T>(Span<T> items, Comparison<T> compare, int first, int last) =>
        Quicksort(items, 0, items.Length, compare, first, last);

    private static void Quicksort<T>(Span<T> a, int start, int n, Comparison<T> compare, int first, int last)
    {
        while (true)
        {
            if (n < 7)
            {
                InsertionSort(a, start, n, compare);
                return;
            }

            // Pivot: the middle element, or the median of three, or for big ranges the median of three medians.
            int pivot = start + (n / 2);
            if (n > 7)
            {
                int lo = start;
                int hi = start + n - 1;
                if (n > 40)
                {
                    int d = n / 8;
                    lo = Median(a, lo, lo + d, lo + (2 * d), compare);
                    pivot = Median(a, pivot - d, pivot, pivot + d, compare);
                    hi = Median(a, hi - (2 * d), hi - d, hi, compare);
                }
                pivot = Median(a, lo, pivot, hi, compare);
            }
            Swap(a, start, pivot);

            // Three-way partition: elements equal to the pivot collect at both ends, the smaller ones after the
            // left end and the larger ones before the right end.
            int lessStart = start + 1, scanLow = start + 1;
            int scanHigh = start + n - 1, greaterEnd = start + n - 1;
            while (true)
            {
                int c;
                while (scanLow <= scanHigh && (c = compare(a[scanLow], a[start])) <= 0)
                {
                    if (c == 0)
                    {
                        Swap(a, lessStart, scanLow);
                        lessStart++;
                    }
                    scanLow++;
                }
                while (scanLow <= scanHigh && (c = compare(a[scanHigh], a[start])) >= 0)
                {
                    if (c == 0)
                    {
                        Swap(a, scanHigh, greaterEnd);
                        greaterEnd--;
                    }
                    scanHigh--;
                }
                if (scanLow > scanHigh) break;
                Swap(a, scanLow, scanHigh);
                scanLow++;
                scanHigh--;
            }

            // Bring the equal elements from both ends to the middle.
            int end = start + n;
            int size = Math.Min(lessStart - start, scanLow - lessStart);
            SwapBlocks(a, start, scanLow - size, size);
            size = Math.Min(greaterEnd - scanHigh, end - greaterEnd - 1);
            SwapBlocks(a, scanLow, end - size, size);

            // Recurse into the smaller-than part and loop on the larger-than part, skipping any part that
            // holds none of the wanted positions.
            if ((size = scanLow - lessStart) > 1 && Overlaps(start, start + size - 1, first, last))
                Quicksort(a, start, size, compare, first, last);
            if ((size = greaterEnd - scanHigh) > 1)
            {
                start = end - size;
                n = size;
                if (Overlaps(start, start + size - 1, first, last)) continue;
            }
            return;
        }
    }

    private static bool Overlaps(int lo, int hi, int first, int last) =>
        !((first < lo && last < lo) || (first > hi && last > hi));

    private static void InsertionSort<T>(Span<T> a, int start, int n, Comparison<T> compare)
    {
        for (int i = start + 1; i < start + n; i++)
        {
            for (int j = i; j > start && compare(a[j - 1], a[j]) > 0; j--) Swap(a, j, j - 1);
        }
    }

    private static int Median<T>(Span<T> a, int x, int y, int z, Comparison<T> compare) =>
        compare(a[x], a[y]) < 0
            ? (compare(a[y], a[z]) < 0 ? y : (compare(a[x], a[z]) < 0 ? z : x))
            : (compare(a[y], a[z]) > 0 ? y : (compare(a[x], a[z]) < 0 ? x : z));

    private static void Swap<T>(Span<T> a, int i, int j) => (a[i], a[j]) = (a[j], a[i]);

    private static void SwapBlocks<T>(Span<T> a, int i, int j, int count)
    {
        for (int k = 0; k < count; k++) Swap(a, i + k, j + k);
    }
}
