# FORGE_CHECK_CFLAG(FLAG, VARIABLE)
# Appends FLAG to VARIABLE when the C compiler accepts it without a warning.
AC_DEFUN([FORGE_CHECK_CFLAG], [
  AC_MSG_CHECKING([whether $CC accepts $1])
  forge_save_CFLAGS=$CFLAGS
  CFLAGS="$CFLAGS -Werror $1"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
    [AC_MSG_RESULT([yes]); $2="$$2 $1"], [AC_MSG_RESULT([no])])
  CFLAGS=$forge_save_CFLAGS
])

# FORGE_CHECK_LDFLAG(FLAG, VARIABLE)
AC_DEFUN([FORGE_CHECK_LDFLAG], [
  AC_MSG_CHECKING([whether the linker accepts $1])
  forge_save_LDFLAGS=$LDFLAGS
  LDFLAGS="$LDFLAGS -Werror $1"
  AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
    [AC_MSG_RESULT([yes]); $2="$$2 $1"], [AC_MSG_RESULT([no])])
  LDFLAGS=$forge_save_LDFLAGS
])
