; ModuleID = 'rulec'
source_filename = "rulec"

@rulec_shape = constant [3 x i32] [i32 1, i32 7, i32 0]

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
  %7 = and i64 %6, 0
  %8 = and i64 %6, 12
  %9 = xor i64 %8, 12
  %10 = or i64 %9, %7
  %11 = or i64 0, %10
  %12 = icmp eq i64 %11, 0
  br i1 %12, label %and.next, label %and.end

and.end:                                          ; preds = %and.next1, %and.next, %entry
  %13 = phi i1 [ false, %entry ], [ false, %and.next ], [ %35, %and.next1 ]
  %14 = zext i1 %13 to i64
  %15 = shl i64 %14, 0
  %16 = or i64 0, %15
  %17 = getelementptr inbounds i64, ptr %1, i64 0
  %18 = load i64, ptr %17, align 4
  %19 = or i64 %18, %16
  store i64 %19, ptr %17, align 4
  ret void

and.next:                                         ; preds = %entry
  %20 = getelementptr inbounds i64, ptr %atoms, i64 0
  %21 = load i64, ptr %20, align 4
  %22 = xor i64 %21, -1
  %23 = and i64 %22, 0
  %24 = and i64 %21, 3
  %25 = or i64 %24, %23
  %26 = or i64 0, %25
  %27 = icmp ne i64 %26, 0
  br i1 %27, label %and.next1, label %and.end

and.next1:                                        ; preds = %and.next
  %28 = getelementptr inbounds i64, ptr %atoms, i64 0
  %29 = load i64, ptr %28, align 4
  %30 = xor i64 %29, -1
  %31 = and i64 %30, 0
  %32 = and i64 %29, 112
  %33 = or i64 %32, %31
  %34 = or i64 0, %33
  %35 = icmp ne i64 %34, 0
  br label %and.end
}

define void @rulec_eval(ptr %0, ptr %1) {
entry:
  call void @rules_0(ptr %0, ptr %1)
  ret void
}

attributes #0 = { noinline }
