; ModuleID = 'rulec'
source_filename = "rulec"

@rulec_shape = constant [3 x i32] [i32 1, i32 1, i32 0]

; Function Attrs: noinline
define internal void @rules_0(ptr %0, ptr %1) #0 {
entry:
  %2 = getelementptr inbounds i8, ptr %0, i64 0
  %atoms = load ptr, ptr %2, align 8
  %3 = getelementptr inbounds i8, ptr %0, i64 8
  %memo = load ptr, ptr %3, align 8
  %4 = getelementptr inbounds i8, ptr %0, i64 16
  %lazy = load ptr, ptr %4, align 8
  %5 = getelementptr inbounds i64, ptr %atoms, i64 0
  %6 = load i64, ptr %5, align 4
  %7 = and i64 %6, 1
  %8 = icmp ne i64 %7, 0
  %9 = zext i1 %8 to i64
  %10 = shl i64 %9, 0
  %11 = or i64 0, %10
  %12 = getelementptr inbounds i64, ptr %1, i64 0
  %13 = load i64, ptr %12, align 4
  %14 = or i64 %13, %11
  store i64 %14, ptr %12, align 4
  ret void
}

define void @rulec_eval(ptr %0, ptr %1) {
entry:
  call void @rules_0(ptr %0, ptr %1)
  ret void
}

attributes #0 = { noinline }
