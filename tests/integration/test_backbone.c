#include <criterion/criterion.h>
Test(placeholder_to_be_replaced, a) { cr_assert(1 == 1); }
