//! sets: operations on sorted, de-duplicated slices, the set form compare and dedup keep their
//! bigrams and characters in (a merge walk, no hashing).

/// Size of the intersection of two sorted, de-duplicated slices.
pub(crate) fn shared_count<T: Ord>(x: &[T], y: &[T]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_common_elements() {
        assert_eq!(shared_count(&[1, 3, 5, 7], &[2, 3, 4, 7, 9]), 2);
        assert_eq!(shared_count::<u32>(&[], &[1]), 0);
        assert_eq!(shared_count(&['a', 'b'], &['a', 'b']), 2);
    }
}
